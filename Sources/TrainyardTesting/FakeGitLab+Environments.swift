import Foundation

/// A deployment environment, as GitLab's environments API shows it.
public struct FakeEnvironment: Sendable, Hashable {
    public let id: Int
    public let name: String
    public var externalURL: String?
    /// `available`, `stopping` or `stopped`.
    public var state: String
    public var stoppedBy: String?
}

/// Environments: review apps' deploy and stop pipelines act on them as a project's
/// `.gitlab-ci.yml` would (`environment: {name: $TRAINYARD_REVIEW_APP_ENVIRONMENT, url: …}`),
/// the API lists and stops them, and tests plant orphans.
extension FakeGitLab {
    /// A successful pipeline with `TRAINYARD_REVIEW_APP=deploy` makes its environment available
    /// at `TRAINYARD_REVIEW_APP_URL`; one with `stop` stops it.
    func actOnReviewEnvironment(_ pipeline: FakePipeline) {
        guard let name = pipeline.variables["TRAINYARD_REVIEW_APP_ENVIRONMENT"],
            let action = pipeline.variables["TRAINYARD_REVIEW_APP"]
        else { return }
        let url = pipeline.variables["TRAINYARD_REVIEW_APP_URL"] ?? reviewEnvironmentURL
        if action == "deploy" {
            upsertEnvironment(projectID: pipeline.projectID, name: name, url: url, state: "available", by: nil)
            deliverDeploymentHook(pipeline, environment: name, url: url)
        } else if action == "stop",
            let index = projects[pipeline.projectID]?.environments.firstIndex(where: { $0.name == name })
        {
            projects[pipeline.projectID]?.environments[index].state = "stopped"
            projects[pipeline.projectID]?.environments[index].stoppedBy = "pipeline #\(pipeline.id)"
        }
    }

    /// A Deployment Hook with status `success`, in the shape of GitLab's published sample.
    func deliverDeploymentHook(_ pipeline: FakePipeline, environment: String, url: String?) {
        guard let project = projects[pipeline.projectID]?.project else { return }
        let payload: JSON = [
            "object_kind": "deployment",
            "status": "success",
            "status_changed_at": .string(GitLabTime.utc(Date())),
            "deployment_id": .int(pipeline.id),
            "deployable_id": .int(pipeline.id),
            "deployable_url": .string("\(webURL(project))/-/jobs/\(pipeline.id)"),
            "environment": .string(environment),
            "environment_tier": "development",
            "environment_slug": .string(environment.replacing("/", with: "-")),
            "environment_external_url": url.map(JSON.string) ?? nil,
            "project": hookProjectJSON(project),
            "short_sha": .string(String(pipeline.sha.prefix(8))),
            "user": hookUserJSON(pipeline.user),
            "commit_url": .string(commitURL(project, sha: pipeline.sha)),
            "commit_title": "",
        ]
        deliver("Deployment Hook", projectID: project.id, action: nil, payload: payload)
    }

    private func upsertEnvironment(projectID: Int, name: String, url: String?, state: String, by: String?) {
        if let index = projects[projectID]?.environments.firstIndex(where: { $0.name == name }) {
            projects[projectID]?.environments[index].state = state
            projects[projectID]?.environments[index].externalURL =
                url ?? projects[projectID]?.environments[index].externalURL
        } else {
            let environment = FakeEnvironment(
                id: nextEnvironmentID, name: name, externalURL: url, state: state, stoppedBy: by)
            nextEnvironmentID += 1
            projects[projectID]?.environments.append(environment)
        }
    }

    /// The URL a review deploy gives its environment when Trainyard sends none (as a project's
    /// `.gitlab-ci.yml` would set `environment:url` itself).
    public func setReviewEnvironmentURL(_ url: String?) { reviewEnvironmentURL = url }

    /// Adds an available environment no pipeline made (an orphan, for the sweeper to find).
    public func plantEnvironment(project: String, name: String, url: String? = nil) {
        guard let id = projectID(path: project) else { return }
        upsertEnvironment(projectID: id, name: name, url: url, state: "available", by: nil)
    }

    /// A project's environments.
    public func environments(project: String) -> [FakeEnvironment] {
        projectID(path: project).flatMap { projects[$0]?.environments } ?? []
    }

    func environmentsMatching(_ parameters: [String: String], in state: FakeProjectState) -> [FakeEnvironment] {
        let all = projects[state.project.id]?.environments ?? []
        let page = Int(parameters["page"] ?? "1") ?? 1
        let perPage = min(Int(parameters["per_page"] ?? "20") ?? 20, 100)
        let matching = all.filter { environment in
            (parameters["name"] == nil || environment.name == parameters["name"])
                && (parameters["search"] == nil || environment.name.contains(parameters["search"] ?? ""))
                && (parameters["states"] == nil || environment.state == parameters["states"])
        }
        return Array(matching.dropFirst((page - 1) * perPage).prefix(perPage))
    }

    func stopEnvironment(projectID: Int, id: Int) -> FakeEnvironment? {
        guard let index = projects[projectID]?.environments.firstIndex(where: { $0.id == id }) else { return nil }
        projects[projectID]?.environments[index].state = "stopped"
        projects[projectID]?.environments[index].stoppedBy = "the API"
        return projects[projectID]?.environments[index]
    }

    func environmentJSON(_ environment: FakeEnvironment) -> JSON {
        [
            "id": .int(environment.id),
            "name": .string(environment.name),
            "slug": .string(environment.name.replacing("/", with: "-")),
            "external_url": environment.externalURL.map(JSON.string) ?? nil,
            "state": .string(environment.state),
            "tier": "development",
        ]
    }

    /// Edits a note's body in place.
    func editNote(projectID: Int, iid: Int, noteID: Int, body: String) -> FakeNote? {
        guard var mergeRequest = projects[projectID]?.mergeRequests[iid],
            let index = mergeRequest.comments.firstIndex(where: { $0.id == noteID })
        else { return nil }
        mergeRequest.comments[index].body = body
        projects[projectID]?.mergeRequests[iid] = mergeRequest
        return mergeRequest.comments[index]
    }
}

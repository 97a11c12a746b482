import Foundation
import TrainyardCore
import TrainyardEngine

/// A forge for review apps that keeps what the engine asked for: pipelines with their variables
/// (a deploy that passes makes its environment available, a stop that passes stops it, as a
/// project's `.gitlab-ci.yml` would), environments, commit statuses and the one note per merge
/// request.
actor ReviewAppForgeDouble: ForgePort, ReviewAppForge {
    struct Pipeline {
        let id: Int
        let ref: String
        let variables: [String: String]
        var status: String
    }

    var pipelines: [Pipeline] = []
    var environments: Set<String> = []
    var stoppedEnvironments: [String] = []
    var statuses: [(CommitState, String)] = []
    var notes: [Int: String] = [:]
    var noteWrites = 0
    var mergeRequests: [Int: MergeRequestInfo] = [:]

    func setMergeRequest(_ info: MergeRequestInfo) { mergeRequests[info.number] = info }
    func plant(environment: String) { environments.insert(environment) }

    /// Ends pipeline `id` with `status`, with what the project's CI would do to its environment.
    func finish(_ id: Int, _ status: String) {
        guard let index = pipelines.firstIndex(where: { $0.id == id }) else { return }
        pipelines[index].status = status
        let variables = pipelines[index].variables
        guard status == "success", let environment = variables[ReviewAppVariables.environment] else { return }
        if variables[ReviewAppVariables.action] == "deploy" {
            environments.insert(environment)
        } else {
            environments.remove(environment)
        }
    }

    func createReviewPipeline(
        project: ProjectSettings, ref: String, variables: [String: String], searchEarlier: Bool
    ) async throws -> ScheduledPipeline {
        if searchEarlier,
            let earlier = pipelines.first(where: {
                $0.variables[ReviewAppVariables.attempt] == variables[ReviewAppVariables.attempt]
            })
        {
            return ScheduledPipeline(id: earlier.id, webURL: nil, status: earlier.status)
        }
        let pipeline = Pipeline(id: pipelines.count + 1, ref: ref, variables: variables, status: "running")
        pipelines.append(pipeline)
        return ScheduledPipeline(id: pipeline.id, webURL: nil, status: "created")
    }

    func availableEnvironments(project: ProjectSettings, prefix: String) async throws -> [String] {
        environments.filter { $0.hasPrefix(prefix) }.sorted()
    }

    func environmentURL(project: ProjectSettings, name: String) async throws -> String? { nil }

    func stopEnvironment(project: ProjectSettings, name: String) async throws {
        environments.remove(name)
        stoppedEnvironments.append(name)
    }

    func openMergeRequests(project: ProjectSettings) async throws -> Set<Int> {
        Set(mergeRequests.values.filter { $0.state == "opened" }.map(\.number))
    }

    func upsertNote(project: ProjectSettings, number: Int, key: String, body: String) async throws {
        notes[number] = body
        noteWrites += 1
    }

    func setStatus(project: ProjectSettings, sha: SHA, name: String, state: CommitState, description: String)
        async throws
    {
        statuses.append((state, description))
    }

    func mergeRequest(project: ProjectSettings, number: Int) async throws -> MergeRequestInfo {
        guard let info = mergeRequests[number] else { throw PermanentError("404 Not found") }
        return info
    }

    func pipeline(project: ProjectSettings, id: PipelineID) async throws -> (status: String, sha: SHA) {
        (pipelines.first { $0.id == id.value }?.status ?? "running", SHA(String(repeating: "c", count: 40)))
    }

    func cancelPipeline(project: ProjectSettings, pipeline: PipelineID) async throws {
        if let index = pipelines.firstIndex(where: { $0.id == pipeline.value }) { pipelines[index].status = "canceled" }
    }

    /// Access levels by user id; Developer (30) for anyone else.
    var levels: [Int: Int] = [:]
    func setLevel(_ level: Int, for user: Int) { levels[user] = level }
    func accessLevel(project: ProjectSettings, userID: Int) async throws -> Int { levels[userID] ?? 30 }
    func userID(project: ProjectSettings, username: String) async throws -> Int? { nil }
    func createPipeline(project: ProjectSettings, ref: String, commit: SHA) async throws -> (id: PipelineID, sha: SHA) {
        throw PermanentError("unused")
    }
    func setStatus(project: ProjectSettings, sha: SHA, state: CommitState, description: String) async throws {}
    func comment(project: ProjectSettings, number: Int, body: String, key: String) async throws {}
}

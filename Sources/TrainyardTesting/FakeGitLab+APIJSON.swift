import Foundation

/// The JSON shapes of the REST API responses.
extension FakeGitLab {
    var base: String { baseURL.absoluteString }

    func webURL(_ project: FakeProject) -> String {
        "\(base)/\(project.path)"
    }

    func mergeRequestURL(_ project: FakeProject, iid: Int) -> String {
        "\(webURL(project))/-/merge_requests/\(iid)"
    }

    func commitURL(_ project: FakeProject, sha: String) -> String {
        "\(webURL(project))/-/commit/\(sha)"
    }

    func pipelineURL(_ project: FakeProject, id: Int) -> String {
        "\(webURL(project))/-/pipelines/\(id)"
    }

    /// `GET /projects/:id`. `http_url_to_repo` is the `file://` URL of the bare repository, so a
    /// client that clones from it works against the fake.
    func projectJSON(_ state: FakeProjectState) -> JSON {
        let project = state.project
        let namespace = project.namespace
        return [
            "id": .int(project.id),
            "description": "",
            "name": .string(project.name),
            "name_with_namespace": .string(project.path.replacingOccurrences(of: "/", with: " / ")),
            "path": .string(project.name),
            "path_with_namespace": .string(project.path),
            "created_at": .string(GitLabTime.api(state.createdAt)),
            "default_branch": .string(project.defaultBranch),
            "ssh_url_to_repo": .string("git@127.0.0.1:\(project.path).git"),
            "http_url_to_repo": .string(project.gitURL.absoluteString),
            "web_url": .string(webURL(project)),
            "visibility": "private",
            "namespace": [
                "id": .int(project.id),
                "name": .string(namespace.isEmpty ? project.name : namespace),
                "path": .string(namespace.isEmpty ? project.name : namespace),
                "kind": "group",
                "full_path": .string(namespace.isEmpty ? project.name : namespace),
            ],
        ]
    }

    /// A user as the API shows it (`author`, `user`).
    func userJSON(_ username: String) -> JSON {
        let user = user(username)
        return [
            "id": .int(user.id),
            "username": .string(user.username),
            "name": .string(user.name),
            "state": .string(blocked.contains(username) ? "blocked" : "active"),
            "locked": false,
            "avatar_url": nil,
            "web_url": .string("\(base)/\(user.username)"),
        ]
    }

    /// `GET /projects/:id/merge_requests/:iid`.
    func mergeRequestJSON(_ mergeRequest: FakeMergeRequest, in project: FakeProject) -> JSON {
        let open = mergeRequest.state == "opened"
        return [
            "id": .int(mergeRequest.id),
            "iid": .int(mergeRequest.iid),
            "project_id": .int(project.id),
            "title": .string(mergeRequest.title),
            "description": "",
            "state": .string(mergeRequest.state),
            "created_at": .string(GitLabTime.api(mergeRequest.createdAt)),
            "updated_at": .string(GitLabTime.api(mergeRequest.updatedAt)),
            "merged_at": GitLabTime.api(mergeRequest.mergedAt),
            "closed_at": GitLabTime.api(mergeRequest.closedAt),
            "target_branch": .string(mergeRequest.targetBranch),
            "source_branch": .string(mergeRequest.sourceBranch),
            "author": userJSON(mergeRequest.author),
            "source_project_id": .int(project.id),
            "target_project_id": .int(project.id),
            "draft": .bool(drafts.contains([project.id, mergeRequest.iid])),
            "work_in_progress": .bool(drafts.contains([project.id, mergeRequest.iid])),
            "merge_status": open ? "can_be_merged" : "cannot_be_merged",
            "detailed_merge_status": open ? "mergeable" : "not_open",
            "sha": .string(mergeRequest.sha),
            "merge_commit_sha": JSON(mergeRequest.mergeCommitSha),
            "squash_commit_sha": nil,
            "user_notes_count": .int(mergeRequest.comments.count),
            "references": [
                "short": .string("!\(mergeRequest.iid)"),
                "full": .string("\(project.path)!\(mergeRequest.iid)"),
            ],
            "web_url": .string(mergeRequestURL(project, iid: mergeRequest.iid)),
            "blocking_discussions_resolved": .bool(!readiness(of: mergeRequest).unresolvedDiscussions),
            "has_conflicts": .bool(readiness(of: mergeRequest).conflicts),
            "head_pipeline": headPipelineJSON(of: mergeRequest),
        ]
    }

    /// A note of `POST /projects/:id/merge_requests/:iid/notes`.
    func noteJSON(_ note: FakeNote, on mergeRequest: FakeMergeRequest) -> JSON {
        [
            "id": .int(note.id),
            "type": nil,
            "body": .string(note.body),
            "author": userJSON(note.author),
            "created_at": .string(GitLabTime.api(note.createdAt)),
            "updated_at": .string(GitLabTime.api(note.createdAt)),
            "system": false,
            "noteable_id": .int(mergeRequest.id),
            "noteable_type": "MergeRequest",
            "noteable_iid": .int(mergeRequest.iid),
            "project_id": .int(mergeRequest.projectID),
            "resolvable": false,
            "confidential": false,
            "internal": false,
        ]
    }

    /// A commit status of `POST /projects/:id/statuses/:sha`.
    func statusJSON(_ status: FakeCommitStatus, startedAt: Date?, finishedAt: Date?) -> JSON {
        [
            "id": .int(status.id),
            "sha": .string(status.sha),
            "ref": JSON(status.ref),
            "status": .string(status.state),
            "name": .string(status.name),
            "target_url": JSON(status.targetURL),
            "description": JSON(status.description),
            "created_at": .string(GitLabTime.api(status.createdAt)),
            "started_at": GitLabTime.api(startedAt),
            "finished_at": GitLabTime.api(finishedAt),
            "allow_failure": false,
            "coverage": nil,
            "pipeline_id": JSON(status.pipelineID),
            "author": userJSON(botUsername),
        ]
    }

    /// A pipeline of the pipelines API.
    func pipelineJSON(_ pipeline: FakePipeline, in project: FakeProject) -> JSON {
        let text = Self.detailedStatus(pipeline.status)
        return [
            "id": .int(pipeline.id),
            "iid": .int(pipeline.iid),
            "project_id": .int(project.id),
            "sha": .string(pipeline.sha),
            "ref": .string(pipeline.ref),
            "status": .string(pipeline.status),
            "source": .string(pipeline.source),
            "before_sha": .string(pipeline.beforeSha),
            "tag": false,
            "yaml_errors": nil,
            "user": userJSON(pipeline.user),
            "created_at": .string(GitLabTime.api(pipeline.createdAt)),
            "updated_at": .string(GitLabTime.api(pipeline.updatedAt)),
            "started_at": GitLabTime.api(pipeline.startedAt),
            "finished_at": GitLabTime.api(pipeline.finishedAt),
            "committed_at": nil,
            "duration": JSON(Self.duration(pipeline)),
            "queued_duration": nil,
            "coverage": nil,
            "web_url": .string(pipelineURL(project, id: pipeline.id)),
            "detailed_status": [
                "icon": .string("status_\(pipeline.status)"),
                "text": .string(text),
                "label": .string(text),
                "group": .string(pipeline.status),
                "details_path": .string("/\(project.path)/-/pipelines/\(pipeline.id)"),
            ],
        ]
    }

    /// `passed` for `success`, the status itself otherwise, as GitLab's detailed status text.
    static func detailedStatus(_ status: String) -> String {
        status == "success" ? "passed" : status
    }

    /// Whole seconds between start and finish, `nil` while running.
    static func duration(_ pipeline: FakePipeline) -> Int? {
        guard let startedAt = pipeline.startedAt, let finishedAt = pipeline.finishedAt else { return nil }
        return Int(finishedAt.timeIntervalSince(startedAt).rounded())
    }
}

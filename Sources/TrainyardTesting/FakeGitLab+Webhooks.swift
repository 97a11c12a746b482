import Foundation

/// Webhook payloads, shaped after GitLab's published samples, and their delivery.
extension FakeGitLab {
    static let mergeRequestStateIDs = ["opened": 1, "closed": 2, "merged": 3, "locked": 4]

    /// `project` (and `source`/`target`) of hook payloads.
    func hookProjectJSON(_ project: FakeProject) -> JSON {
        let gitURL = project.gitURL.absoluteString
        let sshURL = "git@127.0.0.1:\(project.path).git"
        return [
            "id": .int(project.id),
            "name": .string(project.name),
            "description": "",
            "web_url": .string(webURL(project)),
            "avatar_url": nil,
            "git_ssh_url": .string(sshURL),
            "git_http_url": .string(gitURL),
            "namespace": .string(project.namespace.isEmpty ? project.name : project.namespace),
            "visibility_level": 0,
            "path_with_namespace": .string(project.path),
            "default_branch": .string(project.defaultBranch),
            "ci_config_path": "",
            "homepage": .string(webURL(project)),
            "url": .string(gitURL),
            "ssh_url": .string(sshURL),
            "http_url": .string(gitURL),
        ]
    }

    func repositoryJSON(_ project: FakeProject) -> JSON {
        [
            "name": .string(project.name),
            "url": .string(project.gitURL.absoluteString),
            "description": "",
            "homepage": .string(webURL(project)),
            "git_http_url": .string(project.gitURL.absoluteString),
            "git_ssh_url": .string("git@127.0.0.1:\(project.path).git"),
            "visibility_level": 0,
        ]
    }

    func hookUserJSON(_ username: String) -> JSON {
        let user = user(username)
        return [
            "id": .int(user.id),
            "name": .string(user.name),
            "username": .string(user.username),
            "avatar_url": nil,
            "email": .string(user.email),
        ]
    }

    /// A commit as hooks show it; push hooks add the changed files.
    func hookCommitJSON(_ commit: GitCommit, in project: FakeProject, withChanges: Bool = false) -> JSON {
        var fields: [JSON.Field] = [
            .init(key: "id", value: .string(commit.id)),
            .init(key: "message", value: .string(commit.message)),
            .init(key: "title", value: .string(commit.title)),
            .init(key: "timestamp", value: .string(commit.timestamp)),
            .init(key: "url", value: .string(commitURL(project, sha: commit.id))),
            .init(key: "author", value: ["name": .string(commit.authorName), "email": .string(commit.authorEmail)]),
        ]
        if withChanges {
            fields.append(.init(key: "added", value: JSON(commit.added)))
            fields.append(.init(key: "modified", value: JSON(commit.modified)))
            fields.append(.init(key: "removed", value: JSON(commit.removed)))
        }
        return .object(fields)
    }

    /// Delivers a Merge Request Hook.
    /// - Parameters:
    ///   - previousState: Set when the state changed, to fill `changes.state_id`.
    ///   - oldrev: The previous head, for `update` hooks caused by new commits.
    func deliverMergeRequestHook(
        _ mergeRequest: FakeMergeRequest, action: String, by username: String, previousState: String? = nil,
        oldrev: String? = nil
    ) {
        guard let project = projects[mergeRequest.projectID]?.project else { return }
        let commit = commitCache[mergeRequest.sha] ?? .unknown(mergeRequest.sha)
        let stateID = Self.mergeRequestStateIDs[mergeRequest.state] ?? 1
        var attributes: [JSON.Field] = [
            .init(key: "id", value: .int(mergeRequest.id)),
            .init(key: "iid", value: .int(mergeRequest.iid)),
            .init(key: "target_branch", value: .string(mergeRequest.targetBranch)),
            .init(key: "source_branch", value: .string(mergeRequest.sourceBranch)),
            .init(key: "source_project_id", value: .int(project.id)),
            .init(key: "author_id", value: .int(user(mergeRequest.author).id)),
            .init(key: "assignee_ids", value: []),
            .init(key: "assignee_id", value: nil),
            .init(key: "reviewer_ids", value: []),
            .init(key: "title", value: .string(mergeRequest.title)),
            .init(key: "created_at", value: .string(GitLabTime.iso(mergeRequest.createdAt))),
            .init(key: "updated_at", value: .string(GitLabTime.iso(mergeRequest.updatedAt))),
            .init(key: "milestone_id", value: nil),
            .init(key: "state_id", value: .int(stateID)),
            .init(key: "state", value: .string(mergeRequest.state)),
            .init(key: "blocking_discussions_resolved", value: true),
            .init(key: "work_in_progress", value: false),
            .init(key: "draft", value: false),
            .init(key: "first_contribution", value: false),
            .init(key: "merge_status", value: mergeRequest.state == "opened" ? "can_be_merged" : "cannot_be_merged"),
            .init(key: "target_project_id", value: .int(project.id)),
            .init(key: "description", value: ""),
            .init(key: "merge_commit_sha", value: JSON(mergeRequest.mergeCommitSha)),
            .init(key: "url", value: .string(mergeRequestURL(project, iid: mergeRequest.iid))),
            .init(key: "source", value: hookProjectJSON(project)),
            .init(key: "target", value: hookProjectJSON(project)),
            .init(key: "last_commit", value: hookCommitJSON(commit, in: project)),
            .init(key: "labels", value: []),
            .init(key: "action", value: .string(action)),
        ]
        if let oldrev {
            attributes.append(.init(key: "oldrev", value: .string(oldrev)))
        }
        attributes.append(
            .init(key: "detailed_merge_status", value: mergeRequest.state == "opened" ? "mergeable" : "not_open"))
        var changes: [JSON.Field] = []
        if let previousState, let previousID = Self.mergeRequestStateIDs[previousState] {
            changes.append(.init(key: "state_id", value: ["previous": .int(previousID), "current": .int(stateID)]))
        }
        let payload: JSON = [
            "object_kind": "merge_request",
            "event_type": "merge_request",
            "user": hookUserJSON(username),
            "project": hookProjectJSON(project),
            "repository": repositoryJSON(project),
            "object_attributes": .object(attributes),
            "labels": [],
            "changes": .object(changes),
            "assignees": [],
            "reviewers": [],
        ]
        deliver("Merge Request Hook", projectID: project.id, action: action, payload: payload)
    }

    /// Delivers a Note Hook for a comment on a merge request.
    func deliverNoteHook(_ note: FakeNote, on mergeRequest: FakeMergeRequest) {
        guard let project = projects[mergeRequest.projectID]?.project else { return }
        let commit = commitCache[mergeRequest.sha] ?? .unknown(mergeRequest.sha)
        let url = mergeRequestURL(project, iid: mergeRequest.iid)
        let payload: JSON = [
            "object_kind": "note",
            "event_type": "note",
            "user": hookUserJSON(note.author),
            "project_id": .int(project.id),
            "project": hookProjectJSON(project),
            "repository": repositoryJSON(project),
            "object_attributes": [
                "id": .int(note.id),
                "note": .string(note.body),
                "noteable_type": "MergeRequest",
                "author_id": .int(user(note.author).id),
                "created_at": .string(GitLabTime.utc(note.createdAt)),
                "updated_at": .string(GitLabTime.utc(note.createdAt)),
                "project_id": .int(project.id),
                "attachment": nil,
                "line_code": nil,
                "commit_id": "",
                "noteable_id": .int(mergeRequest.id),
                "system": false,
                "st_diff": nil,
                "action": "create",
                "url": .string("\(url)#note_\(note.id)"),
            ],
            "merge_request": [
                "id": .int(mergeRequest.id),
                "target_branch": .string(mergeRequest.targetBranch),
                "source_branch": .string(mergeRequest.sourceBranch),
                "source_project_id": .int(project.id),
                "author_id": .int(user(mergeRequest.author).id),
                "assignee_id": nil,
                "title": .string(mergeRequest.title),
                "created_at": .string(GitLabTime.utc(mergeRequest.createdAt)),
                "updated_at": .string(GitLabTime.utc(mergeRequest.updatedAt)),
                "milestone_id": nil,
                "state": .string(mergeRequest.state),
                "merge_status": mergeRequest.state == "opened" ? "can_be_merged" : "cannot_be_merged",
                "target_project_id": .int(project.id),
                "iid": .int(mergeRequest.iid),
                "description": "",
                "position": 0,
                "labels": [],
                "source": hookProjectJSON(project),
                "target": hookProjectJSON(project),
                "last_commit": hookCommitJSON(commit, in: project),
                "work_in_progress": false,
                "draft": false,
                "detailed_merge_status": mergeRequest.state == "opened" ? "mergeable" : "not_open",
                "url": .string(url),
            ],
        ]
        deliver("Note Hook", projectID: project.id, action: "create", payload: payload)
    }

    /// Delivers a Push Hook for one branch update.
    func deliverPushHook(
        project: FakeProject, before: String, after: String, ref: String, commits: [GitCommit], totalCommits: Int,
        pusher: String
    ) {
        let user = user(pusher)
        let deleted = after == FakeGitRepository.zeroSha
        let payload: JSON = [
            "object_kind": "push",
            "event_name": "push",
            "before": .string(before),
            "after": .string(after),
            "ref": .string(ref),
            "ref_protected": .bool(ref == "refs/heads/\(project.defaultBranch)"),
            "checkout_sha": deleted ? nil : .string(after),
            "message": nil,
            "user_id": .int(user.id),
            "user_name": .string(user.name),
            "user_username": .string(user.username),
            "user_email": .string(user.email),
            "user_avatar": nil,
            "project_id": .int(project.id),
            "project": hookProjectJSON(project),
            "repository": repositoryJSON(project),
            "commits": .array(commits.map { hookCommitJSON($0, in: project, withChanges: true) }),
            "total_commits_count": .int(totalCommits),
        ]
        deliver("Push Hook", projectID: project.id, action: nil, payload: payload)
    }

    /// Delivers a Pipeline Hook with the pipeline's current status.
    func deliverPipelineHook(_ pipeline: FakePipeline) {
        guard let project = projects[pipeline.projectID]?.project else { return }
        let commit = commitCache[pipeline.sha] ?? .unknown(pipeline.sha)
        let payload: JSON = [
            "object_kind": "pipeline",
            "object_attributes": [
                "id": .int(pipeline.id),
                "iid": .int(pipeline.iid),
                "name": nil,
                "ref": .string(pipeline.ref),
                "tag": false,
                "sha": .string(pipeline.sha),
                "before_sha": .string(pipeline.beforeSha),
                "source": .string(pipeline.source),
                "status": .string(pipeline.status),
                "detailed_status": .string(Self.detailedStatus(pipeline.status)),
                "stages": [],
                "created_at": .string(GitLabTime.utc(pipeline.createdAt)),
                "finished_at": GitLabTime.utc(pipeline.finishedAt),
                "duration": JSON(Self.duration(pipeline)),
                "queued_duration": nil,
                "variables": .array(
                    pipeline.variables.sorted { $0.key < $1.key }.map {
                        ["key": .string($0.key), "value": .string($0.value)]
                    }
                ),
                "url": .string(pipelineURL(project, id: pipeline.id)),
            ],
            "merge_request": nil,
            "user": hookUserJSON(pipeline.user),
            "project": [
                "id": .int(project.id),
                "name": .string(project.name),
                "description": "",
                "web_url": .string(webURL(project)),
                "avatar_url": nil,
                "git_ssh_url": .string("git@127.0.0.1:\(project.path).git"),
                "git_http_url": .string(project.gitURL.absoluteString),
                "namespace": .string(project.namespace.isEmpty ? project.name : project.namespace),
                "visibility_level": 0,
                "path_with_namespace": .string(project.path),
                "default_branch": .string(project.defaultBranch),
            ],
            "commit": hookCommitJSON(commit, in: project),
            "builds": [],
        ]
        deliver("Pipeline Hook", projectID: project.id, action: pipeline.status, payload: payload)
    }
}

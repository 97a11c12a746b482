import Foundation
import TrainyardCore
import TrainyardEngine

/// Decodes the body of an authenticated GitHub delivery into a ``ForgeEvent`` by its
/// `X-GitHub-Event` name. Pull requests are merge requests; their states are given in GitLab's
/// words (`opened`, `closed`, `merged`) so that the engine reads one vocabulary.
struct GitHubEvents {
    let forge: String

    func event(kind: String, body data: Data) throws(IntakeError) -> ForgeEvent {
        switch kind {
        case "pull_request": return try pullRequest(data)
        case "pull_request_review":
            let hook = try WebhookDecoding.parse(GitHubPayload.ReviewHook.self, data, kind)
            let approved = hook.action == "submitted" && hook.review.state.lowercased() == "approved"
            return try mergeRequest(hook.pull_request, hook.repository, approved ? .approved : .other)
        case "issue_comment":
            let hook = try WebhookDecoding.parse(GitHubPayload.IssueCommentHook.self, data, kind)
            guard hook.issue.pull_request != nil else { return .ignored(kind: "\(kind) on an issue") }
            guard hook.action == "created" else {
                return .ignored(kind: "\(kind) (\(hook.action.prefix(100))): only new comments give commands")
            }
            return .comment(
                CommentEvent(
                    project: project(hook.repository), number: hook.issue.number, author: hook.comment.user.login,
                    authorID: hook.comment.user.id, body: hook.comment.body,
                    commentID: hook.comment.id))
        case "push":
            let hook = try WebhookDecoding.parse(GitHubPayload.PushHook.self, data, kind)
            guard hook.ref.hasPrefix("refs/heads/") else {
                return .ignored(kind: "\(kind) for \(hook.ref.prefix(200))")
            }
            let deleted = hook.deleted == true || hook.after.allSatisfy { $0 == "0" }
            return .push(
                PushEvent(
                    project: project(hook.repository), branch: String(hook.ref.dropFirst("refs/heads/".count)),
                    after: deleted ? nil : try WebhookDecoding.sha(hook.after, "after")))
        case "check_run":
            let hook = try WebhookDecoding.parse(GitHubPayload.CheckRunHook.self, data, kind)
            let run = hook.check_run
            return .check(
                CheckEvent(
                    project: project(hook.repository), sha: try WebhookDecoding.sha(run.head_sha, "check_run.head_sha"),
                    branches: [run.check_suite?.head_branch].compactMap { $0 }, name: String(run.name.prefix(255)),
                    outcome: CheckVerdict.checkRun(status: run.status, conclusion: run.conclusion)))
        case "check_suite":
            let hook = try WebhookDecoding.parse(GitHubPayload.CheckSuiteHook.self, data, kind)
            let suite = hook.check_suite
            return .check(
                CheckEvent(
                    project: project(hook.repository),
                    sha: try WebhookDecoding.sha(suite.head_sha, "check_suite.head_sha"),
                    branches: [suite.head_branch].compactMap { $0 },
                    name: String((suite.app?.name ?? kind).prefix(255)),
                    outcome: CheckVerdict.checkRun(status: suite.status ?? "queued", conclusion: suite.conclusion)))
        case "status":
            let hook = try WebhookDecoding.parse(GitHubPayload.StatusHook.self, data, kind)
            return .check(
                CheckEvent(
                    project: project(hook.repository), sha: try WebhookDecoding.sha(hook.sha, "sha"),
                    branches: hook.branches.prefix(100).map(\.name), name: String(hook.context.prefix(255)),
                    outcome: CheckVerdict.commitStatus(hook.state)))
        case "workflow_run":
            let hook = try WebhookDecoding.parse(GitHubPayload.WorkflowRunHook.self, data, kind)
            let run = hook.workflow_run
            return .check(
                CheckEvent(
                    project: project(hook.repository),
                    sha: try WebhookDecoding.sha(run.head_sha, "workflow_run.head_sha"),
                    branches: [run.head_branch].compactMap { $0 }, name: String((run.name ?? kind).prefix(255)),
                    outcome: CheckVerdict.checkRun(status: run.status, conclusion: run.conclusion)))
        default:
            guard JSONSyntax.isValid(data) else {
                throw IntakeError(status: 400, code: "malformed_json", message: "The body of the \(kind) is not JSON.")
            }
            return .ignored(kind: kind == "merge_group" ? "merge_group: GitHub's own merge queue" : kind)
        }
    }

    /// `pull_request`: opened, reopened, synchronize (a new head), closed (merged or not), edited
    /// (only a new base matters: the change leaves the old target's train), ready_for_review,
    /// converted_to_draft and labeled (the train reads drafts and labels from the API when it
    /// needs them).
    func pullRequest(_ data: Data) throws(IntakeError) -> ForgeEvent {
        let hook = try WebhookDecoding.parse(GitHubPayload.PullRequestHook.self, data, "pull_request")
        switch hook.action {
        case "opened": return try mergeRequest(hook.pull_request, hook.repository, .open)
        case "reopened": return try mergeRequest(hook.pull_request, hook.repository, .reopen)
        case "synchronize": return try mergeRequest(hook.pull_request, hook.repository, .update)
        case "closed":
            let merged = hook.pull_request.merged == true
            return try mergeRequest(hook.pull_request, hook.repository, merged ? .merge : .close)
        case "edited":
            guard let old = hook.changes?.base?.ref.from else {
                return .ignored(kind: "pull_request (edited): only a new base matters")
            }
            guard case .mergeRequest(var event) = try mergeRequest(hook.pull_request, hook.repository, .close) else {
                return .ignored(kind: "pull_request (edited)")
            }
            event.target = String(old.prefix(255))
            return .mergeRequest(event)
        case "ready_for_review", "converted_to_draft", "labeled", "unlabeled":
            return try mergeRequest(hook.pull_request, hook.repository, .other)
        default:
            return .ignored(kind: "pull_request (\(hook.action.prefix(100)))")
        }
    }

    func mergeRequest(
        _ pull: GitHubPayload.PullRequest, _ repository: GitHubPayload.Repository, _ action: MergeRequestEvent.Action
    ) throws(IntakeError) -> ForgeEvent {
        let state = pull.merged == true ? "merged" : pull.state == "open" ? "opened" : "closed"
        return .mergeRequest(
            MergeRequestEvent(
                project: project(repository), number: pull.number, action: action,
                head: try WebhookDecoding.sha(pull.head.sha, "pull_request.head.sha"), target: pull.base.ref,
                state: state))
    }

    func project(_ repository: GitHubPayload.Repository) -> ProjectKey {
        ProjectKey(forge: forge, path: repository.full_name)
    }
}

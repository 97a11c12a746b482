import Foundation

/// What happens when the post-receive hook of a bare repository reports a push.
extension FakeGitLab {
    /// The hook's report, parsed from its text lines (see ``PostReceiveHook``).
    struct PushReport: Sendable {
        struct Update: Sendable {
            let old: String
            let new: String
            let ref: String
        }

        var pusher: String?
        var options: [String] = []
        var updates: [Update] = []

        init(text: String) {
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2 else { continue }
                let value = String(parts[1])
                switch parts[0] {
                case "user":
                    pusher = value.isEmpty ? nil : value
                case "option":
                    options.append(value)
                case "update":
                    let fields = value.split(separator: " ", maxSplits: 2)
                    if fields.count == 3 {
                        updates.append(Update(old: String(fields[0]), new: String(fields[1]), ref: String(fields[2])))
                    }
                default:
                    continue
                }
            }
        }
    }

    /// `POST /-/fake/post-receive?project=<id>`, called by the hook; answers once the push is processed.
    func handlePostReceive(_ request: FakeHTTPRequest) async -> FakeHTTPResponse {
        guard request.method == "POST",
            let id = FakeHTTPRequest.formDecoded(request.query ?? "")["project"].flatMap(Int.init),
            projects[id] != nil
        else { return .text(404, "unknown project\n") }
        await processPush(projectID: id, report: PushReport(text: String(decoding: request.body, as: UTF8.self)))
        return .text(200, "ok\n")
    }

    /// Handles each branch update of a push in turn: Push Hook, merge request updates and merges,
    /// then a `push` pipeline unless the push had the `ci.skip` option.
    func processPush(projectID: Int, report: PushReport) async {
        let pusher = report.pusher ?? botUsername
        let skipCI = report.options.contains("ci.skip")
        for update in report.updates where update.ref.hasPrefix("refs/heads/") {
            let branch = String(update.ref.dropFirst("refs/heads/".count))
            await processBranchUpdate(
                projectID: projectID, branch: branch, update: update, pusher: pusher, skipCI: skipCI)
        }
    }

    private func processBranchUpdate(
        projectID: Int, branch: String, update: PushReport.Update, pusher: String, skipCI: Bool
    ) async {
        guard let state = projects[projectID] else { return }
        let repository = state.repository
        let zero = FakeGitRepository.zeroSha
        guard update.new != zero else {
            deliverPushHook(
                project: state.project, before: update.old, after: zero, ref: update.ref, commits: [], totalCommits: 0,
                pusher: pusher
            )
            return
        }
        var range = ["\(update.old)..\(update.new)"]
        if update.old == zero {
            let others = await repository.branchHeads().filter { $0.key != branch }.values
            range = [update.new] + others.map { "^\($0)" }
        }
        let pushed = await repository.revList([], range)
        var commits: [GitCommit] = []
        for sha in pushed.prefix(20).reversed() {
            commits.append(await commitDetails(sha, in: repository))
        }
        _ = await commitDetails(update.new, in: repository)
        deliverPushHook(
            project: state.project, before: update.old, after: update.new, ref: update.ref, commits: commits,
            totalCommits: pushed.count, pusher: pusher
        )
        await updateMergeRequests(projectID: projectID, sourceBranch: branch, head: update.new, pusher: pusher)
        await mergeMergeRequests(projectID: projectID, targetBranch: branch, update: update, pusher: pusher)
        if !skipCI {
            _ = await startPipeline(
                projectID: projectID, ref: branch, sha: update.new, beforeSha: update.old, source: "push", user: pusher
            )
        }
    }

    /// New commits on an open merge request's source branch: new head, `refs/merge-requests/<iid>/head`,
    /// and a Merge Request Hook with action `update` and `oldrev`.
    private func updateMergeRequests(projectID: Int, sourceBranch: String, head: String, pusher: String) async {
        guard let state = projects[projectID] else { return }
        let affected = state.mergeRequests.values
            .filter { $0.state == "opened" && $0.sourceBranch == sourceBranch && $0.sha != head }
            .sorted { $0.iid < $1.iid }
        for mergeRequest in affected {
            try? await state.repository.updateRef("refs/merge-requests/\(mergeRequest.iid)/head", to: head)
            guard var current = projects[projectID]?.mergeRequests[mergeRequest.iid], current.state == "opened" else {
                continue
            }
            let oldrev = current.sha
            current.sha = head
            current.updatedAt = Date()
            projects[projectID]?.mergeRequests[mergeRequest.iid] = current
            deliverMergeRequestHook(current, action: "update", by: pusher, oldrev: oldrev)
        }
    }

    /// Open merge requests into the pushed branch whose head came in with this push become merged,
    /// as GitLab marks merge requests merged from outside. The merge commit is the oldest commit of
    /// the push on the branch's first-parent line that contains the merge request's head.
    private func mergeMergeRequests(projectID: Int, targetBranch: String, update: PushReport.Update, pusher: String)
        async
    {
        guard let state = projects[projectID] else { return }
        let zero = FakeGitRepository.zeroSha
        let candidates = state.mergeRequests.values
            .filter { $0.state == "opened" && $0.targetBranch == targetBranch }
            .sorted { $0.iid < $1.iid }
        guard !candidates.isEmpty else { return }
        let repository = state.repository
        let line = await repository.revList(
            ["--first-parent", "--reverse"], update.old == zero ? [update.new] : ["\(update.old)..\(update.new)"]
        )
        for mergeRequest in candidates {
            guard await repository.isAncestor(mergeRequest.sha, of: update.new) else { continue }
            if update.old != zero, await repository.isAncestor(mergeRequest.sha, of: update.old) { continue }
            let containing = Set(await repository.revList(["--ancestry-path"], ["\(mergeRequest.sha)..\(update.new)"]))
                .union([mergeRequest.sha])
            let mergeCommit = line.first { containing.contains($0) } ?? update.new
            guard var current = projects[projectID]?.mergeRequests[mergeRequest.iid],
                current.state == "opened", current.sha == mergeRequest.sha
            else { continue }
            let now = Date()
            current.state = "merged"
            current.mergeCommitSha = mergeCommit
            current.mergedAt = now
            current.updatedAt = now
            projects[projectID]?.mergeRequests[mergeRequest.iid] = current
            deliverMergeRequestHook(current, action: "merge", by: pusher, previousState: "opened")
        }
    }
}

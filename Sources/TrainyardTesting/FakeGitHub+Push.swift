import Foundation

/// What follows a push to a fake repository, as on GitHub: a `push` webhook, pull requests
/// synchronized (a new head) or marked merged (their head reached the base), and the fake
/// workflow started on branches it runs on, reporting one check run per job.
extension FakeGitHub {
    func handlePostReceive(_ request: FakeHTTPRequest) async -> FakeHTTPResponse {
        guard let id = FakeHTTPRequest.formDecoded(request.query ?? "")["project"].flatMap(Int.init),
            let path = repos.first(where: { $0.value.id == id })?.key
        else { return .text(404, "unknown repository\n") }
        let report = FakeGitLab.PushReport(text: String(decoding: request.body, as: UTF8.self))
        for update in report.updates where update.ref.hasPrefix("refs/heads/") {
            await processUpdate(path, branch: String(update.ref.dropFirst("refs/heads/".count)), update: update)
        }
        return .text(200, "ok\n")
    }

    func processUpdate(_ path: String, branch: String, update: FakeGitLab.PushReport.Update) async {
        let deleted = update.new == FakeGitRepository.zeroSha
        deliver(
            "push", to: path,
            [
                "ref": .string(update.ref), "before": .string(update.old), "after": .string(update.new),
                "created": .bool(update.old == FakeGitRepository.zeroSha), "deleted": .bool(deleted),
                "forced": false, "pusher": ["name": "git"],
            ])
        guard !deleted, let repo = repos[path] else { return }
        for (number, pull) in repo.pulls where pull.state == "open" && pull.headRef == branch && pull.head != update.new
        {
            repos[path]!.pulls[number]!.head = update.new
            repos[path]!.pulls[number]!.updatedAt = now
            try? await repo.repository.updateRef("refs/pull/\(number)/head", to: update.new)
            deliver(
                "pull_request", to: path,
                [
                    "action": "synchronize", "number": .int(number),
                    "pull_request": pullJSON(repos[path]!.pulls[number]!),
                ])
        }
        for (number, pull) in repo.pulls where pull.state == "open" && pull.base == branch {
            guard await repo.repository.isAncestor(pull.head, of: update.new) else { continue }
            repos[path]!.pulls[number]!.state = "closed"
            repos[path]!.pulls[number]!.merged = true
            repos[path]!.pulls[number]!.updatedAt = now
            deliver(
                "pull_request", to: path,
                ["action": "closed", "number": .int(number), "pull_request": pullJSON(repos[path]!.pulls[number]!)])
        }
        if workflowBranches.contains(where: { branch.hasPrefix($0) }) {
            await startWorkflow(path, branch: branch, sha: update.new)
        }
    }

    /// A workflow run on `sha` with one queued check run per job; each job runs for
    /// `jobDuration` and concludes as ``jobPolicy`` says for the commit's files.
    func startWorkflow(_ path: String, branch: String, sha: String, attempt: Int = 1, reusing runID: Int? = nil) async {
        guard let repo = repos[path] else { return }
        let files = (try? await repo.repository.tree(sha)) ?? [:]
        let runID = runID ?? nextID
        if runID == nextID { nextID += 1 }
        let run = FakeWorkflowRun(
            id: runID, headSha: sha, headBranch: branch, status: "in_progress", conclusion: nil, attempt: attempt)
        repos[path]!.runs.removeAll { $0.id == runID }
        repos[path]!.runs.append(run)
        var checkIDs: [Int] = []
        for job in jobs {
            let check = FakeCheckRun(
                id: nextID, name: job, headSha: sha, status: "in_progress", conclusion: nil, title: nil, run: runID)
            nextID += 1
            repos[path]!.checkRuns.append(check)
            checkIDs.append(check.id)
            deliverCheckRun(path, check, branch: branch)
        }
        let duration = jobDuration
        let policy = jobPolicy
        let jobs = self.jobs
        ciTasks.append(
            Task {
                try? await Task.sleep(for: duration)
                guard !Task.isCancelled else { return }
                self.finishWorkflow(path, run: runID, checks: checkIDs, conclusions: jobs.map { policy($0, files) })
            })
    }

    func finishWorkflow(_ path: String, run: Int, checks: [Int], conclusions: [String]) {
        guard let runIndex = repos[path]?.runs.firstIndex(where: { $0.id == run }),
            repos[path]!.runs[runIndex].status != "completed"
        else { return }
        for (id, conclusion) in zip(checks, conclusions) {
            guard let index = repos[path]!.checkRuns.firstIndex(where: { $0.id == id }),
                repos[path]!.checkRuns[index].status != "completed"
            else { continue }
            repos[path]!.checkRuns[index].status = "completed"
            repos[path]!.checkRuns[index].conclusion = conclusion
            deliverCheckRun(path, repos[path]!.checkRuns[index], branch: repos[path]!.runs[runIndex].headBranch)
        }
        let failed = conclusions.contains { $0 != "success" && $0 != "skipped" && $0 != "neutral" }
        repos[path]!.runs[runIndex].status = "completed"
        repos[path]!.runs[runIndex].conclusion = failed ? "failure" : "success"
        deliverWorkflowRun(path, repos[path]!.runs[runIndex])
    }

    /// Cancels a run still going: its open check runs end `cancelled`.
    func cancelRun(_ path: String, run: Int) -> Bool {
        guard let index = repos[path]?.runs.firstIndex(where: { $0.id == run }) else { return false }
        guard repos[path]!.runs[index].status != "completed" else { return false }
        for check in repos[path]!.checkRuns.indices
        where repos[path]!.checkRuns[check].run == run
            && repos[path]!.checkRuns[check].status != "completed"
        {
            repos[path]!.checkRuns[check].status = "completed"
            repos[path]!.checkRuns[check].conclusion = "cancelled"
            deliverCheckRun(path, repos[path]!.checkRuns[check], branch: repos[path]!.runs[index].headBranch)
        }
        repos[path]!.runs[index].status = "completed"
        repos[path]!.runs[index].conclusion = "cancelled"
        deliverWorkflowRun(path, repos[path]!.runs[index])
        return true
    }

    /// Re-runs a finished run: new check runs for its jobs on the same commit.
    func rerun(_ path: String, run: Int) async -> Bool {
        guard let found = repos[path]?.runs.first(where: { $0.id == run }), found.status == "completed" else {
            return false
        }
        await startWorkflow(
            path, branch: found.headBranch, sha: found.headSha, attempt: found.attempt + 1, reusing: run)
        return true
    }

    func deliverCheckRun(_ path: String, _ check: FakeCheckRun, branch: String) {
        deliver(
            "check_run", to: path,
            [
                "action": check.status == "completed" ? "completed" : "created",
                "check_run": [
                    "id": .int(check.id), "name": .string(check.name), "head_sha": .string(check.headSha),
                    "status": .string(check.status), "conclusion": JSON(check.conclusion),
                    "check_suite": ["head_branch": .string(branch)], "app": ["id": 15368, "slug": "github-actions"],
                ],
            ])
    }

    func deliverWorkflowRun(_ path: String, _ run: FakeWorkflowRun) {
        deliver(
            "workflow_run", to: path,
            [
                "action": "completed",
                "workflow_run": [
                    "id": .int(run.id), "name": "CI", "head_sha": .string(run.headSha),
                    "head_branch": .string(run.headBranch), "status": .string(run.status),
                    "conclusion": JSON(run.conclusion), "run_attempt": .int(run.attempt), "event": "push",
                ],
            ])
    }
}

import Foundation

/// The REST endpoints of a repository besides hooks: pull requests, people, comments, statuses,
/// check runs, workflow runs, branch protection and rules.
extension FakeGitHub {
    func answerRepository(
        _ method: String, _ path: String, _ rest: [String], _ request: FakeHTTPRequest, caller: Caller
    ) async -> FakeHTTPResponse {
        guard repos[path] != nil else { return Self.notFound }
        let query = FakeHTTPRequest.formDecoded(request.query ?? "")
        let body = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
        switch (method, rest) {
        case ("GET", let r) where r.count == 2 && r[0] == "pulls":
            guard let pull = Int(r[1]).flatMap({ repos[path]!.pulls[$0] }) else { return Self.notFound }
            return .json(200, pullJSON(pull))
        case ("GET", let r) where r.count == 3 && r[0] == "collaborators" && r[2] == "permission":
            guard users[r[1]] != nil else { return Self.notFound }
            let permission = repos[path]!.permissions[r[1]] ?? "write"
            let classic = ["maintain": "write", "triage": "read"][permission] ?? permission
            return .json(
                200, ["permission": .string(classic), "role_name": .string(permission), "user": userJSON(r[1])])
        case ("GET", let r) where r.count == 1 && r[0] == "pulls":
            let pulls = repos[path]!.pulls.values
                .filter { query["state"] == "all" || $0.state == (query["state"] ?? "open") }
                .filter { query["base"] == nil || $0.base == query["base"] }
                .sorted { $0.updatedAt > $1.updatedAt }
            return .json(200, .array(Self.page(pulls, query).map(pullJSON)))
        case ("GET", let r) where r.count == 3 && r[0] == "issues" && r[2] == "comments":
            let since = query["since"].flatMap { try? Date($0, strategy: .iso8601) }
            let comments = (Int(r[1]).map { repos[path]!.comments[$0] ?? [] } ?? [])
                .filter { since == nil || $0.createdAt >= since! }
            return .json(
                200,
                .array(
                    Self.page(comments, query).map {
                        [
                            "id": .int($0.id), "body": .string($0.body), "user": userJSON($0.author),
                            "created_at": .string($0.createdAt.formatted(.iso8601)),
                            "updated_at": .string($0.createdAt.formatted(.iso8601)),
                        ]
                    }))
        case ("POST", let r) where r.count == 3 && r[0] == "issues" && r[2] == "comments":
            guard let number = Int(r[1]), repos[path]!.pulls[number] != nil, let text = body["body"] as? String else {
                return Self.validationFailed("body is missing")
            }
            let comment = FakeGitHubComment(id: nextID, body: text, author: botLogin(caller), createdAt: now)
            nextID += 1
            repos[path]!.comments[number, default: []].append(comment)
            return .json(201, ["id": .int(comment.id), "body": .string(text)])
        case ("POST", let r) where r.count == 2 && r[0] == "statuses":
            guard let state = body["state"] as? String, ["pending", "success", "failure", "error"].contains(state)
            else {
                return Self.validationFailed("state is not included in the list")
            }
            let status = FakeGitHubStatus(
                sha: r[1], context: body["context"] as? String ?? "default", state: state,
                description: body["description"] as? String ?? "")
            repos[path]!.statuses.append(status)
            return .json(
                201,
                ["id": .int(repos[path]!.statuses.count), "state": .string(state), "context": .string(status.context)])
        case ("GET", let r) where r.count == 3 && r[0] == "commits" && r[2] == "status":
            guard let sha = await resolve(path, r[1]) else { return Self.notFound }
            var latest: [String: FakeGitHubStatus] = [:]
            for status in repos[path]!.statuses where status.sha == sha { latest[status.context] = status }
            let statuses = latest.values.sorted { $0.context < $1.context }
            return .json(
                200,
                [
                    "sha": .string(sha), "state": "pending",
                    "statuses": .array(statuses.map { ["context": .string($0.context), "state": .string($0.state)] }),
                ])
        case ("GET", let r) where r.count == 3 && r[0] == "commits" && r[2] == "check-runs":
            guard let sha = await resolve(path, r[1]) else { return Self.notFound }
            var runs = repos[path]!.checkRuns.filter { $0.headSha == sha }
            if let name = query["check_name"] { runs = runs.filter { $0.name == name } }
            if query["filter"] != "all" {
                var newest: [String: FakeCheckRun] = [:]
                for run in runs { newest[run.name] = run }
                runs = newest.values.sorted { $0.id < $1.id }
            }
            return .json(200, ["total_count": .int(runs.count), "check_runs": .array(runs.map(checkRunJSON))])
        case ("POST", ["check-runs"]):
            guard case .installation = caller else {
                return .json(403, ["message": "You must authenticate via a GitHub App."])
            }
            guard let name = body["name"] as? String, let sha = body["head_sha"] as? String else {
                return Self.validationFailed("name and head_sha are required")
            }
            let run = FakeCheckRun(
                id: nextID, name: name, headSha: sha, status: body["status"] as? String ?? "queued",
                conclusion: body["conclusion"] as? String,
                title: (body["output"] as? [String: Any])?["title"] as? String,
                run: nil)
            nextID += 1
            repos[path]!.checkRuns.append(run)
            return .json(201, checkRunJSON(run))
        case ("PATCH", let r) where r.count == 2 && r[0] == "check-runs":
            guard case .installation = caller else {
                return .json(403, ["message": "You must authenticate via a GitHub App."])
            }
            guard let id = Int(r[1]), let index = repos[path]!.checkRuns.firstIndex(where: { $0.id == id }) else {
                return Self.notFound
            }
            if let status = body["status"] as? String { repos[path]!.checkRuns[index].status = status }
            if let conclusion = body["conclusion"] as? String { repos[path]!.checkRuns[index].conclusion = conclusion }
            if let title = (body["output"] as? [String: Any])?["title"] as? String {
                repos[path]!.checkRuns[index].title = title
            }
            return .json(200, checkRunJSON(repos[path]!.checkRuns[index]))
        case ("GET", ["actions", "runs"]):
            var runs = repos[path]!.runs
            if let sha = query["head_sha"] { runs = runs.filter { $0.headSha == sha } }
            if let branch = query["branch"] { runs = runs.filter { $0.headBranch == branch } }
            return .json(
                200,
                [
                    "total_count": .int(runs.count),
                    "workflow_runs": .array(
                        runs.map {
                            [
                                "id": .int($0.id), "status": .string($0.status), "conclusion": JSON($0.conclusion),
                                "head_sha": .string($0.headSha),
                            ]
                        }),
                ])
        case ("POST", let r) where r.count == 4 && r[0] == "actions" && r[1] == "runs":
            guard let run = Int(r[2]) else { return Self.notFound }
            if r[3] == "cancel" {
                return cancelRun(path, run: run)
                    ? .json(202, [:]) : .json(409, ["message": "Cannot cancel a workflow run that is completed."])
            }
            if r[3] == "rerun" {
                return await rerun(path, run: run)
                    ? .json(201, [:]) : .json(403, ["message": "This workflow run cannot be rerun."])
            }
            return Self.notFound
        case ("GET", let r)
        where r.count == 4 && r[0] == "branches" && r[2] == "protection" && r[3] == "required_status_checks":
            guard let checks = repos[path]!.protection[r[1]] else {
                return .json(404, ["message": "Branch not protected", "status": "404"])
            }
            return .json(
                200,
                [
                    "strict": false, "contexts": JSON(checks),
                    "checks": .array(checks.map { ["context": .string($0), "app_id": nil] }),
                ])
        case ("GET", let r)
        where r.count == 4 && r[0] == "branches" && r[2] == "protection" && r[3] == "required_pull_request_reviews":
            guard let count = repos[path]!.requiredReviews[r[1]] else {
                return .json(404, ["message": "Branch not protected", "status": "404"])
            }
            return .json(200, ["required_approving_review_count": .int(count), "dismiss_stale_reviews": false])
        case ("GET", let r) where r.count == 3 && r[0] == "pulls" && r[2] == "reviews":
            guard let number = Int(r[1]), repos[path]!.pulls[number] != nil else { return Self.notFound }
            let reviews = (repos[path]!.reviews[number] ?? []).enumerated().map { index, review -> JSON in
                ["id": .int(index + 1), "user": userJSON(review.login), "state": .string(review.state)]
            }
            return .json(200, .array(Array(Self.page(reviews, query))))
        case ("GET", let r) where r.count == 3 && r[0] == "rules" && r[1] == "branches":
            let checks = repos[path]!.rules[r[2]] ?? []
            return .json(
                200,
                checks.isEmpty
                    ? []
                    : [
                        [
                            "type": "required_status_checks", "ruleset_source_type": "Repository", "ruleset_id": 1,
                            "parameters": [
                                "strict_required_status_checks_policy": false,
                                "required_status_checks": .array(checks.map { ["context": .string($0)] }),
                            ],
                        ]
                    ])
        default:
            return Self.notFound
        }
    }

    /// A branch name or a commit id to a commit id.
    func resolve(_ path: String, _ ref: String) async -> String? {
        guard let repo = repos[path] else { return nil }
        if ref.count == 40, ref.allSatisfy(\.isHexDigit) { return ref }
        return await repo.repository.branchHead(ref)
    }

    func checkRunJSON(_ run: FakeCheckRun) -> JSON {
        [
            "id": .int(run.id), "name": .string(run.name), "head_sha": .string(run.headSha),
            "status": .string(run.status), "conclusion": JSON(run.conclusion),
        ]
    }

    func botLogin(_ caller: Caller) -> String {
        if case .installation = caller { return "trainyard[bot]" }
        return "trainyard-bot"
    }
}

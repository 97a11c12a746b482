import Foundation

/// Repositories, pull requests and people of the fake GitHub, set up and read by tests.
extension FakeGitHub {
    var portFile: URL { root.appendingPathComponent("fake-port") }
    var home: URL { root.appendingPathComponent("home") }
    var scratch: URL { root.appendingPathComponent("tmp") }

    /// Creates `owner/name` with a bare repository whose default branch holds one commit with
    /// `files` (put in place without a push: no webhook, no workflow). Returns the git URL.
    @discardableResult
    public func createRepository(_ path: String, defaultBranch: String = "main", files: [String: String]) async throws
        -> URL
    {
        guard let transport = hookTransport else { throw FakeGitLabError.noHookTransport }
        for directory in [root, home, scratch] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        let id = nextRepoID
        nextRepoID += 1
        let gitDir = root.appendingPathComponent("repos/\(path).git", isDirectory: true)
        let repository = FakeGitRepository(
            gitDir: gitDir, git: GitCommand(directory: gitDir, home: home, scratch: scratch))
        let work = root.appendingPathComponent("work/\(id)", isDirectory: true)
        let gitURL = URL(fileURLWithPath: gitDir.path, isDirectory: false)
        let clone = FakeWorkClone(
            directory: work, remote: gitURL, git: GitCommand(directory: work, home: home, scratch: scratch))
        try await repository.initialize(defaultBranch: defaultBranch)
        try repository.installPostReceiveHook(
            PostReceiveHook.script(projectID: id, portFile: portFile, transport: transport))
        try await clone.initialize()
        let sha = try await clone.commit(files: files, parentRef: nil, message: "Initial commit\n", author: nil)
        try await clone.seed(sha, as: defaultBranch, into: repository)
        repos[path] = FakeGitHubRepo(id: id, path: path, repository: repository, workClone: clone, gitURL: gitURL)
        return gitURL
    }

    /// Pushes a branch with one commit of `files` on top of `base` as `author`, then opens a pull
    /// request for it (`pull_request` `opened`). Returns its number.
    public func openPullRequest(
        _ path: String, branch: String, base: String = "main", title: String, files: [String: String],
        author: String = "alice", draft: Bool = false
    ) async throws -> Int {
        guard let repo = repos[path] else { throw FakeGitLabError.projectNotFound(path) }
        let sha = try await repo.workClone.commit(
            files: files, parentRef: "refs/heads/\(base)", message: title + "\n", author: author)
        try await repo.workClone.push(sha, to: branch, pusher: author, options: [])
        let number = repos[path]!.nextNumber
        repos[path]!.nextNumber += 1
        try await repo.repository.updateRef("refs/pull/\(number)/head", to: sha)
        let pull = FakePull(
            number: number, title: title, headRef: branch, head: sha, base: base, state: "open", merged: false,
            draft: draft, author: author, updatedAt: now)
        repos[path]!.pulls[number] = pull
        deliver("pull_request", to: path, ["action": "opened", "number": .int(number), "pull_request": pullJSON(pull)])
        return number
    }

    /// Pushes one commit of `files` on top of `base` to `branch` as a person would (through the
    /// post-receive hook: webhooks, and the workflow on branches it runs on). Returns the commit.
    @discardableResult
    public func push(
        _ path: String, branch: String, base: String = "main", files: [String: String], author: String = "alice"
    ) async throws -> String {
        guard let repo = repos[path] else { throw FakeGitLabError.projectNotFound(path) }
        let sha = try await repo.workClone.commit(
            files: files, parentRef: "refs/heads/\(base)", message: "Change\n", author: author)
        try await repo.workClone.push(sha, to: branch, pusher: author, options: [])
        return sha
    }

    /// A comment by `author` on pull request `number` (`issue_comment` `created`).
    public func comment(_ path: String, number: Int, body: String, author: String = "alice") {
        guard repos[path]?.pulls[number] != nil else { return }
        let comment = FakeGitHubComment(id: nextID, body: body, author: author, createdAt: now)
        nextID += 1
        repos[path]!.pulls[number]!.updatedAt = now
        repos[path]!.comments[number, default: []].append(comment)
        deliver(
            "issue_comment", to: path,
            [
                "action": "created",
                "issue": [
                    "number": .int(number),
                    "pull_request": ["url": .string("\(baseURL)/repos/\(path)/pulls/\(number)")],
                ],
                "comment": ["id": .int(comment.id), "body": .string(body), "user": userJSON(author)],
            ])
    }

    public func setPermission(_ path: String, user: String, _ permission: String) {
        _ = userID(user)
        repos[path]?.permissions[user] = permission
    }

    /// Requires `checks` on `branch` by classic branch protection.
    public func protect(_ path: String, branch: String, requiring checks: [String]) {
        repos[path]?.protection[branch] = checks
    }

    /// Requires `checks` on `branch` by a ruleset.
    public func addRule(_ path: String, branch: String, requiring checks: [String]) {
        repos[path]?.rules[branch] = checks
    }

    /// The fake workflow's jobs (one check run each), how long each takes, and what it concludes.
    public func setWorkflow(
        jobs: [String], duration: Duration = .milliseconds(200),
        policy: (@Sendable (String, [String: String]) -> String)? = nil
    ) {
        self.jobs = jobs
        jobDuration = duration
        if let policy { jobPolicy = policy }
    }

    /// Answers the next `count` requests with a rate limit: `retryAfter` seconds, or (nil) a
    /// secondary limit with no header, or (`resetIn`) an exhausted primary budget.
    public func injectRateLimit(count: Int, retryAfter: Int? = nil, resetIn: Int? = nil) {
        for _ in 0..<count {
            var response = FakeHTTPResponse.json(
                403,
                [
                    "message": resetIn != nil
                        ? "API rate limit exceeded for installation."
                        : "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
                ])
            if let retryAfter { response.headers["retry-after"] = String(retryAfter) }
            if let resetIn {
                response.headers["x-ratelimit-remaining"] = "0"
                response.headers["x-ratelimit-reset"] = String(Int(Date().timeIntervalSince1970) + resetIn)
            }
            injected.append(response)
        }
    }

    public func pull(_ path: String, _ number: Int) -> FakePull? { repos[path]?.pulls[number] }
    public func comments(_ path: String, _ number: Int) -> [FakeGitHubComment] { repos[path]?.comments[number] ?? [] }
    public func statuses(_ path: String, sha: String) -> [FakeGitHubStatus] {
        repos[path]?.statuses.filter { $0.sha == sha } ?? []
    }
    public func checkRuns(_ path: String, sha: String) -> [FakeCheckRun] {
        repos[path]?.checkRuns.filter { $0.headSha == sha } ?? []
    }
    public func workflowRuns(_ path: String) -> [FakeWorkflowRun] { repos[path]?.runs ?? [] }
    public func branchHead(_ path: String, _ branch: String) async -> String? {
        await repos[path]?.repository.branchHead(branch)
    }
    public func gitURL(_ path: String) -> URL? { repos[path]?.gitURL }
    /// The contents of `file` at commit `sha`; nil when there is no such file.
    public func fileContents(_ path: String, sha: String, path file: String) async -> String? {
        await repos[path]?.repository.fileContents(sha: sha, path: file)
    }
    public func firstParents(_ path: String, branch: String, since: String) async -> [String] {
        await repos[path]?.repository.revList(["--first-parent"], ["\(since)..refs/heads/\(branch)"]) ?? []
    }
    /// Waits until every webhook queued so far was sent.
    public func drainWebhooks() async { await sender.drain() }
    public func webhookEvents() -> [String] { sender.sent.map(\.event) }

    func userID(_ login: String) -> Int {
        if let id = users[login] { return id }
        let id = 5000 + users.count
        users[login] = id
        return id
    }

    func userJSON(_ login: String) -> JSON {
        ["login": .string(login), "id": .int(userID(login)), "type": "User"]
    }

    func pullJSON(_ pull: FakePull) -> JSON {
        [
            "number": .int(pull.number), "title": .string(pull.title), "state": .string(pull.state),
            "merged": .bool(pull.merged), "draft": .bool(pull.draft), "user": userJSON(pull.author),
            "head": ["ref": .string(pull.headRef), "sha": .string(pull.head)],
            "base": ["ref": .string(pull.base), "sha": ""],
            "updated_at": .string(pull.updatedAt.formatted(.iso8601)),
            "mergeable": .bool(!pull.conflicted),
        ]
    }

    /// One page of a list, as `page` and `per_page` (30 by default, at most 100) ask.
    static func page<T>(_ items: [T], _ query: [String: String]) -> ArraySlice<T> {
        let size = min(100, max(1, query["per_page"].flatMap(Int.init) ?? 30))
        let page = max(1, query["page"].flatMap(Int.init) ?? 1)
        let start = min(items.count, (page - 1) * size)
        return items[start..<min(items.count, start + size)]
    }

    /// Queues `payload` (with the repository added) for every active hook of the repository
    /// that takes `event`.
    func deliver(_ event: String, to path: String, _ payload: JSON) {
        guard case .object(var fields) = payload else { return }
        fields.append(.init(key: "repository", value: ["full_name": .string(path), "id": .int(repos[path]?.id ?? 0)]))
        fields.append(.init(key: "sender", value: userJSON("github-actions")))
        let body = JSON.object(fields).data
        for hook in webhooks(of: path) where hook.active && (hook.events.contains(event) || hook.events.contains("*")) {
            let sender = sender
            let guid = UUID().uuidString.lowercased()
            sendWithFaults {
                sender.enqueue(url: hook.url, hook: hook.id, secret: hook.secret, event: event, body: body, guid: guid)
            }
        }
    }
}

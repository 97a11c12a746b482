import Foundation
import Hummingbird
import Logging

/// A GitLab imitation for tests: a real HTTP server on loopback that answers a subset of the
/// GitLab v4 REST API, delivers GitLab-shaped webhooks, and hosts real bare git repositories.
///
/// Typical use:
///
///     let gitlab = FakeGitLab(root: temporaryDirectory)
///     try await gitlab.start()
///     try await gitlab.createProject(path: "group/app", files: ["README.md": "hello\n"])
///     await gitlab.addWebhook(project: "group/app", url: receiverURL, token: "secret")
///     let iid = try await gitlab.createMergeRequest(project: "group/app", sourceBranch: "feature",
///                                                    title: "Add feature", files: ["a.txt": "a\n"])
///
/// Every ref change of a hosted repository, by the fake or by anyone pushing to
/// ``FakeProject/gitURL``, goes through the repository's real `post-receive` hook, which reports it
/// to the fake: push hooks, `push` pipelines (unless the push had the `ci.skip` push option),
/// merge request updates and merges follow from it.
///
/// Webhooks are delivered in the background, in order. Wait for them with ``waitUntil(timeout:_:fileID:line:)``
/// on ``deliveries()`` or with ``waitForDeliveries()``.
public actor FakeGitLab {
    /// The directory the fake keeps its repositories, clones and scratch files in. It is not removed by ``stop()``.
    public let root: URL
    /// The token the API accepts, as `PRIVATE-TOKEN: <token>` or `Authorization: Bearer <token>`.
    public let token: String
    /// The user the API token belongs to: the author of notes, statuses and pipelines created through the API,
    /// and the pusher of pushes that do not say who they are (see ``push(project:branch:files:message:author:pushOptions:)``).
    public let botUsername: String

    private let address = Locked(URL(string: "http://127.0.0.1:0")!)

    var projects: [Int: FakeProjectState] = [:]
    var users: [String: FakeUser] = [:]
    /// Project access levels by username (GitLab's numbers: 30 Developer, 40 Maintainer); a user
    /// not listed is a Developer, as the fake's default.
    var accessLevels: [String: Int] = [:]
    /// Users blocked by an administrator: listed with `state: blocked`, memberships kept.
    var blocked: Set<String> = []
    /// Merge requests marked as drafts, by project id and iid.
    var drafts: Set<[Int]> = []
    var nextHookID = 1
    /// What keeps merge requests from being mergeable, by project id and iid.
    var readiness: [[Int]: FakeReadiness] = [:]
    var commitCache: [String: GitCommit] = [:]
    var nextMergeRequestID = 1
    var nextPipelineID = 1
    var nextNoteID = 1
    var nextEnvironmentID = 1
    var reviewEnvironmentURL: String?
    var nextStatusID = 1
    var ciPolicy: @Sendable (FakeCIJob) -> FakePipelineOutcome? = FakeGitLab.defaultCIPolicy
    var pendingFailures: (count: Int, status: Int, retryAfter: Int?) = (0, 0, nil)
    /// POST requests that are carried out and then answered with a failure (`failAfterWork`).
    var failuresAfterWork: (count: Int, status: Int) = (0, 0)
    /// Projects whose API answers are held back until the given time (`holdAPI`).
    var apiHolds: [String: ContinuousClock.Instant] = [:]
    var requests: [FakeRequest] = []
    var deliveryLog: [FakeDelivery] = []
    var ciTasks: [Int: Task<Void, Never>] = [:]
    var hookTransport: PostReceiveHook.Transport?
    /// Faults put on webhook deliveries (``injectWebhookFaults(_:)``), and what is held back.
    var faultyWebhooks = FaultyWebhooks()
    private var server: GracefulRunner?
    private(set) var sender: WebhookSender?
    let webhookTimeout: TimeInterval

    /// - Parameters:
    ///   - root: A directory the fake may fill as it likes (a fresh temporary directory is best).
    ///   - token: The API token to accept.
    ///   - botUsername: The user the API token belongs to.
    ///   - webhookTimeout: How long a webhook request may take before it counts as failed (GitLab
    ///     waits 10 s); webhooks go out one at a time, so a receiver that hangs holds up the rest.
    public init(
        root: URL, token: String = "fake-api-token", botUsername: String = "trainyard-bot",
        webhookTimeout: TimeInterval = 10
    ) {
        self.webhookTimeout = webhookTimeout
        self.root = root
        self.token = token
        self.botUsername = botUsername
        hookTransport = PostReceiveHook.Transport.detect()
    }

    /// The server's address, `http://127.0.0.1:<port>`; the API is under `/api/v4`.
    ///
    /// Set by ``start()``; before that its port is 0.
    public nonisolated var baseURL: URL {
        address.withLock { $0 }
    }

    /// `baseURL` followed by `/api/v4`.
    public nonisolated var apiURL: URL {
        baseURL.appendingPathComponent("api/v4")
    }

    /// The default CI policy: `success`, unless the commit has a file named `FAIL` (in any folder), then `failed`.
    public static let defaultCIPolicy: @Sendable (FakeCIJob) -> FakePipelineOutcome? = { job in
        job.files.keys.contains { $0 == "FAIL" || $0.hasSuffix("/FAIL") } ? .failed : .success
    }

    var portFile: URL { root.appendingPathComponent("fake-port") }
    var home: URL { root.appendingPathComponent("home") }
    var scratch: URL { root.appendingPathComponent("tmp") }

    // MARK: - Lifecycle

    /// Starts the HTTP server on 127.0.0.1 at a free port and returns once it listens.
    public func start() async throws {
        guard server == nil else { return }
        for directory in [root, home, scratch] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        // Nothing below critical from the server is useful in tests.
        var logger = Logger(label: "FakeGitLab")
        logger.logLevel = .critical
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let responder = CallbackResponder<BasicRequestContext> { [self] request, _ in
            let response = await self.handle(try await FakeHTTPRequest(request))
            return response.hummingbirdResponse
        }
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        let server = GracefulRunner(app, logger: logger)
        // If the server ends before it listens, nobody yields a port: end the wait.
        Task {
            _ = try? await server.value(); portContinuation.finish()
        }
        var port: Int?
        for await value in ports { port = value }
        guard let port, port > 0 else {
            await server.stop()
            throw FakeGitLabError.notStarted
        }
        self.server = server
        address.withLock { $0 = URL(string: "http://127.0.0.1:\(port)")! }
        try Data(String(port).utf8).write(to: portFile)
        sender = WebhookSender(instance: "http://127.0.0.1:\(port)", timeout: webhookTimeout) { [weak self] attempt in
            await self?.record(attempt)
        }
    }

    /// Stops the server and the CI timers, and drops webhook deliveries still queued.
    /// Pushes made after this are no longer reported to the fake.
    public func stop() async {
        for task in ciTasks.values { task.cancel() }
        ciTasks = [:]
        try? FileManager.default.removeItem(at: portFile)
        if let sender {
            self.sender = nil
            await sender.stop()
        }
        if let server {
            self.server = nil
            await server.stop()
        }
    }

    var isRunning: Bool { server != nil }

    // MARK: - Configuration

    /// Registers a webhook on a project: every later event of the project is POSTed to `url`
    /// with `X-Gitlab-Token: <token>` (no such header when `token` is empty, as for a hook without a secret).
    public func addWebhook(project: String, url: URL, token: String) {
        guard let id = projectID(path: project) else { return }
        projects[id]?.webhooks.append(
            .init(url: url, token: token, uuid: UUID().uuidString.lowercased(), id: nextHookID))
        nextHookID += 1
    }

    /// Replaces the CI policy, called once for every new pipeline (API or push).
    ///
    /// Return an outcome to finish the pipeline after the outcome's delay, or `nil` to leave it
    /// running until ``finishPipeline(project:id:status:)`` or a cancel.
    public func setCIPolicy(_ policy: @escaping @Sendable (FakeCIJob) -> FakePipelineOutcome?) {
        ciPolicy = policy
    }

    /// Makes the next `count` API requests fail with `status` before anything else is checked.
    ///
    /// A 429 answers `Retry later` as plain text (as GitLab's rate limiter does); other statuses
    /// answer `{"message":"<status> <reason>"}`. `retryAfter` adds a `Retry-After` header (seconds).
    /// The failed requests appear in ``requestLog()``.
    public func injectFailures(count: Int, status: Int, retryAfter: Int? = nil) {
        pendingFailures = (count, status, retryAfter)
    }

    /// Chooses how post-receive hooks installed from now on reach the fake (tests of the curl-less fallback).
    func useHookTransport(_ transport: PostReceiveHook.Transport) {
        hookTransport = transport
    }

    // MARK: - Inspection

    /// The project at `path`.
    public func project(_ path: String) -> FakeProject? {
        projectID(path: path).flatMap { projects[$0]?.project }
    }

    /// Merge request `iid` of a project.
    public func mergeRequest(project: String, iid: Int) -> FakeMergeRequest? {
        projectID(path: project).flatMap { projects[$0]?.mergeRequests[iid] }
    }

    /// All merge requests of a project, by iid.
    public func mergeRequests(project: String) -> [FakeMergeRequest] {
        guard let id = projectID(path: project), let state = projects[id] else { return [] }
        return state.mergeRequests.values.sorted { $0.iid < $1.iid }
    }

    /// Every accepted status post for a commit (full sha), in posting order.
    public func statuses(project: String, sha: String) -> [FakeCommitStatus] {
        guard let id = projectID(path: project), let state = projects[id] else { return [] }
        return state.statusPosts.filter { $0.sha == sha }
    }

    /// All pipelines of a project, oldest first.
    public func pipelines(project: String) -> [FakePipeline] {
        guard let id = projectID(path: project), let state = projects[id] else { return [] }
        return state.pipelines
    }

    /// The head commit of a branch, read from the bare repository.
    public func branchHead(project: String, branch: String) async -> String? {
        guard let id = projectID(path: project), let repository = projects[id]?.repository else { return nil }
        return await repository.branchHead(branch)
    }

    /// `git rev-list --first-parent` of a branch: its head first, then each first parent.
    public func firstParents(project: String, branch: String) async -> [String] {
        guard let id = projectID(path: project), let repository = projects[id]?.repository,
            await repository.branchHead(branch) != nil
        else { return [] }
        return await repository.revList(["--first-parent"], ["refs/heads/\(branch)"])
    }

    /// The contents of a file in a commit, `nil` when the commit or the file does not exist.
    public func fileContents(project: String, sha: String, path: String) async -> String? {
        guard let id = projectID(path: project), let repository = projects[id]?.repository else { return nil }
        return await repository.fileContents(sha: sha, path: path)
    }

    /// Every webhook delivery attempted so far, in order.
    public func deliveries() -> [FakeDelivery] {
        deliveryLog
    }

    /// Sends a recorded delivery again to the same URL: same body, same `X-Gitlab-Event-UUID`
    /// and `Idempotency-Key`, as GitLab's "Resend request". Returns once it was attempted and recorded.
    public func redeliver(_ delivery: FakeDelivery) async {
        guard let sender else { return }
        await sender.deliver(
            .init(
                url: delivery.url, token: delivery.token, event: delivery.event, uuid: delivery.uuid,
                webhookUUID: delivery.webhookUUID, action: delivery.action, body: delivery.body, isRedelivery: true
            )
        )
    }

    /// Returns once every delivery queued so far was attempted and recorded.
    ///
    /// Events that are still to come (a pipeline that finishes later) are not waited for.
    public func waitForDeliveries() async {
        await sender?.drain()
    }

    /// Every REST API request so far, in arrival order, with the status it got.
    public func requestLog() -> [FakeRequest] {
        requests
    }

    // MARK: - Internals shared by the extensions

    func projectID(path: String) -> Int? {
        projects.first { $0.value.project.path == path }?.key
    }

    func user(_ username: String) -> FakeUser {
        if let user = users[username] { return user }
        let user = FakeUser(id: users.count + 1, username: username)
        users[username] = user
        return user
    }

    func record(_ attempt: FakeDelivery.Attempt) {
        deliveryLog.append(FakeDelivery(sequence: deliveryLog.count + 1, attempt: attempt))
    }

    /// Queues `payload` for every webhook of the project.
    func deliver(_ event: String, projectID: Int, action: String?, payload: JSON) {
        guard let sender, let hooks = projects[projectID]?.webhooks, !hooks.isEmpty else { return }
        let body = payload.data
        for hook in hooks where hook.takes(event) {
            let delivery = WebhookSender.Delivery(
                url: hook.url, token: hook.token, event: event, uuid: UUID().uuidString.lowercased(),
                webhookUUID: hook.uuid, action: action, body: body, isRedelivery: false)
            sendWithFaults(delivery, sender)
        }
    }

    /// The commit details for payloads, from the cache or from git.
    func commitDetails(_ sha: String, in repository: FakeGitRepository) async -> GitCommit {
        if let commit = commitCache[sha] { return commit }
        let commit = await repository.commit(sha)
        commitCache[sha] = commit
        return commit
    }
}

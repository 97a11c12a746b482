import Crypto
import Foundation
import Hummingbird
import Logging
import _CryptoExtras

/// A GitHub imitation for tests: a real HTTP server on loopback answering a subset of GitHub's
/// REST API as `https://api.github.com` would (no `/api/v3` prefix; GitHub Enterprise Server's
/// base URL is this one with the prefix, which the fake also accepts).
///
/// It knows personal access tokens, GitHub Apps (RS256 JWTs checked against the app's public key,
/// installation tokens that expire) and repository webhooks. Every request is logged, with the
/// `Authorization` scheme but never the credential.
public actor FakeGitHub {
    /// A repository webhook as GitHub keeps it.
    public struct Hook: Sendable, Equatable {
        public var id: Int
        public var url: String
        public var contentType: String
        public var secret: String?
        public var events: [String]
        public var active: Bool
        /// Whether the last deliveries failed (shown by `GET …/hooks/{id}/deliveries`).
        public var failedDeliveries: Int = 0
    }

    /// One request as the fake saw it.
    public struct LoggedRequest: Sendable {
        public var method: String
        public var path: String
        /// `token`, `Bearer` (a token or a JWT), or nil.
        public var scheme: String?
        public var status: Int
        public var body: String
        public var at: Date
    }

    struct App {
        let id: Int
        let publicKey: _RSA.Signing.PublicKey
    }

    struct Grant {
        let installation: Int
        let expires: Date
    }

    /// The personal access token the API accepts.
    public nonisolated let personalToken: String
    private let address = Locked(URL(string: "http://127.0.0.1:0")!)
    var apps: [Int: App] = [:]
    /// Installations by repository (`owner/name`); the value is (installation id, app id).
    var installations: [String: (id: Int, app: Int)] = [:]
    var grants: [String: Grant] = [:]
    var hooks: [String: [Hook]] = [:]
    /// Faults put on webhook deliveries (``injectWebhookFaults(_:)``), and what is held back.
    var faultyWebhooks = FaultyWebhooks()
    var requests: [LoggedRequest] = []
    var nextID = 1
    /// How long installation tokens last; GitHub's last an hour.
    public var tokenLifetime: TimeInterval = 3600
    /// How far the fake's clock is ahead of the real one; tests move it forward.
    var clockOffset: TimeInterval = 0
    /// The fake's clock, for expiries: real time plus what tests moved it by.
    public var now: Date { Date().addingTimeInterval(clockOffset) }
    private var server: GracefulRunner?
    /// Where repositories, clones and scratch files live (removed by nobody: use a temporary directory).
    public let root: URL
    var repos: [String: FakeGitHubRepo] = [:]
    var users: [String: Int] = [:]
    var nextRepoID = 1
    let hookTransport = PostReceiveHook.Transport.detect()
    /// The fake workflow: the branches it runs on (prefixes), its jobs (one check run each), how
    /// long a job takes, and the conclusion of each job for a commit's files.
    var workflowBranches = ["trainyard/"]
    var jobs = ["build", "test"]
    var jobDuration: Duration = .milliseconds(200)
    var jobPolicy: @Sendable (_ job: String, _ files: [String: String]) -> String = FakeGitHub.defaultJobPolicy
    var ciTasks: [Task<Void, Never>] = []
    let sender = FakeGitHubSender()
    /// Answers to give instead of the next requests: rate limits on demand.
    var injected: [FakeHTTPResponse] = []

    public init(root: URL? = nil, personalToken: String = "ghp_fake_personal_token") {
        self.personalToken = personalToken
        self.root =
            root ?? FileManager.default.temporaryDirectory.appendingPathComponent("fake-github-\(UUID().uuidString)")
    }

    /// A job fails when the commit has a file named `FAIL` (in any folder), else it succeeds.
    public static let defaultJobPolicy: @Sendable (String, [String: String]) -> String = { _, files in
        files.keys.contains { $0 == "FAIL" || $0.hasSuffix("/FAIL") } ? "failure" : "success"
    }

    /// `http://127.0.0.1:<port>`, set by ``start()``.
    public nonisolated var baseURL: URL { address.withLock { $0 } }

    /// Starts the server on 127.0.0.1 at a free port and returns once it listens.
    public func start() async throws {
        guard server == nil else { return }
        let router = Router()
        router.on("**", method: .get) { request, _ in await self.respond(request) }
        router.on("**", method: .post) { request, _ in await self.respond(request) }
        router.on("**", method: .patch) { request, _ in await self.respond(request) }
        router.on("**", method: .delete) { request, _ in await self.respond(request) }
        router.on("**", method: .put) { request, _ in await self.respond(request) }
        let (runner, port) = await GracefulRunner.serve(router, label: "FakeGitHub")
        server = runner
        address.withLock { $0 = URL(string: "http://127.0.0.1:\(port)")! }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data(String(port).utf8).write(to: portFile)
    }

    public func stop() async {
        for task in ciTasks { task.cancel() }
        ciTasks = []
        try? FileManager.default.removeItem(at: portFile)
        await sender.stop()
        if let server {
            self.server = nil
            await server.stop()
        }
    }

    // MARK: - Setup

    /// Registers a GitHub App and returns its private key in PEM form, as GitHub lets one download it.
    public func registerApp(id: Int) throws -> String {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        apps[id] = App(id: id, publicKey: key.publicKey)
        return key.pemRepresentation
    }

    /// Installs app `app` on `repository`; returns the installation's id.
    @discardableResult
    public func install(app: Int, on repository: String) -> Int {
        if let existing = installations[repository], existing.app == app { return existing.id }
        let id = 1000 + nextID
        nextID += 1
        installations[repository] = (id, app)
        return id
    }

    public func setTokenLifetime(_ seconds: TimeInterval) { tokenLifetime = seconds }
    public func advanceClock(by seconds: TimeInterval) { clockOffset += seconds }

    /// The repository's webhooks, in creation order.
    public func webhooks(of repository: String) -> [Hook] { hooks[repository] ?? [] }

    /// Adds a hook as somebody clicking through the settings would.
    @discardableResult
    public func addHook(
        repository: String, url: String, events: [String], secret: String?, active: Bool = true,
        contentType: String = "json"
    ) -> Int {
        let id = nextID
        nextID += 1
        hooks[repository, default: []].append(
            Hook(id: id, url: url, contentType: contentType, secret: secret, events: events, active: active))
        return id
    }

    /// Marks the last `count` deliveries of a hook as failed.
    public func failDeliveries(repository: String, hook: Int, count: Int) {
        guard let index = hooks[repository]?.firstIndex(where: { $0.id == hook }) else { return }
        hooks[repository]?[index].failedDeliveries = count
    }

    public func requestLog() -> [LoggedRequest] { requests }

    /// Every installation token the fake has issued and not seen expire.
    public func issuedTokens() -> [String] { Array(grants.keys) }
}

/// One merge request's review app: what is deployed, what is being deployed or stopped, the last
/// browser check, and when it expires.
public struct ReviewApp: Hashable, Codable, Sendable {
    /// Where the app is in its life.
    public enum State: String, Hashable, Codable, Sendable {
        /// Waiting for the debounce to pass, or for a free place (`max_apps`).
        case pending
        /// A deploy was asked for and has not finished.
        case deploying
        /// Deployed; the browser check runs.
        case checking
        /// Deployed and checked.
        case live
        /// The last deploy failed; the environment may hold an older deploy.
        case failed
        /// A stop was asked for and not yet confirmed.
        case stopping
        /// Stopped (confirmed), or never deployed.
        case stopped
    }

    /// A deploy or a stop: the forge's pipeline (or nothing, for `http`), and its attempt number,
    /// so that an answer about an older attempt is recognised and ignored.
    public struct Run: Hashable, Codable, Sendable {
        public var attempt: Int
        public var head: SHA
        public var pipeline: Int?
        public var startedAt: Instant
        /// When a failed stop is tried again.
        public var retryAt: Instant?
        public var failures: Int

        public init(attempt: Int, head: SHA, pipeline: Int? = nil, startedAt: Instant) {
            self.attempt = attempt
            self.head = head
            self.pipeline = pipeline
            self.startedAt = startedAt
            self.failures = 0
        }
    }

    public var number: Int
    public var sourceBranch: String
    /// The merge request's newest head.
    public var head: SHA
    public var draft: Bool
    /// False once the merge request was merged or closed.
    public var open: Bool
    public var state: State
    /// The last update (a push, opening, a deploy command): the TTL counts from here.
    public var updatedAt: Instant
    public var pinned: Bool
    /// When a deploy of ``head`` is due (after the debounce); nil when none is wanted.
    public var deployAt: Instant?
    public var deploy: Run?
    public var stop: Run?
    /// Why the app is being stopped or was stopped.
    public var stopReason: String?
    /// The head that is deployed (the last deploy that succeeded).
    public var deployedHead: SHA?
    public var url: String?
    /// The last browser check: its results, one per configured path.
    public var checks: [BrowserCheckResult]
    /// Whether the environment may exist on the forge (a deploy was started and no stop confirmed).
    public var hasEnvironment: Bool
    /// A one-line summary of the last thing that happened, for the status and the note.
    public var summary: String

    public init(number: Int, sourceBranch: String, head: SHA, draft: Bool, at now: Instant) {
        self.number = number
        self.sourceBranch = sourceBranch
        self.head = head
        self.draft = draft
        self.open = true
        self.state = .stopped
        self.updatedAt = now
        self.pinned = false
        self.checks = []
        self.hasEnvironment = false
        self.summary = "No review app yet."
    }

    /// When the app expires (its last update plus the TTL); nil when pinned or not running.
    public func expiresAt(_ settings: ReviewAppSettings) -> Instant? {
        guard !pinned, hasEnvironment, state != .stopping else { return nil }
        return updatedAt.adding(milliseconds: settings.ttlMilliseconds)
    }

    /// Whether it holds one of the `max_apps` places.
    public var holdsPlace: Bool { hasEnvironment || state == .deploying }
}

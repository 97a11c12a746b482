/// A message about a schedule that must reach people: a failure streak began, or it ended.
/// Kept in the schedule's state until it was delivered (or given up on).
public struct ScheduleNotice: Hashable, Codable, Sendable {
    public enum Kind: String, Hashable, Codable, Sendable {
        case failing
        case recovered
    }

    public var id: Int
    public var kind: Kind
    public var text: String
    public var webURL: String?
    public var attempts: Int
    public var retryAt: Instant
    /// When it was raised.
    public var at: Instant
    /// The destinations that have it already (`slack`, `webhook`), so that a retry sends it only
    /// to the others.
    public var sentTo: [String]

    public init(id: Int, kind: Kind, text: String, webURL: String?, at: Instant) {
        self.id = id
        self.kind = kind
        self.text = text
        self.webURL = webURL
        self.attempts = 0
        self.retryAt = at
        self.at = at
        self.sentTo = []
    }

    /// How many times a notice is tried before it is dropped (and the drop logged).
    public static let maxAttempts = 6
}

/// An open failure streak: the first failed run and how many followed.
public struct ScheduleAlert: Hashable, Codable, Sendable {
    public var since: Instant
    public var reason: String
    public var webURL: String?
    public var failures: Int

    public init(since: Instant, reason: String, webURL: String?, failures: Int = 1) {
        self.since = since
        self.reason = reason
        self.webURL = webURL
        self.failures = failures
    }
}

/// One line of a schedule's log: what it decided and why (a missed window, a pause, an alert).
public struct ScheduleLogEntry: Hashable, Codable, Sendable {
    public var at: Instant
    public var text: String

    public init(at: Instant, text: String) {
        self.at = at
        self.text = text
    }
}

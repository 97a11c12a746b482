import TrainyardCore

/// What waits in the store's inbox and outbox: the figures `/readyz` and `/metrics` read.
///
/// A row "waits" from when it became due: from when it was stored, or from the end of its last
/// retry's back-off. A row that waits long while the engine runs means a stuck driver.
public struct StoreBacklog: Hashable, Sendable {
    /// Unfinished deliveries, due or not.
    public var inbox: Int
    /// Since when the longest-waiting due delivery has waited; `nil` when none is due.
    public var inboxWaitingSince: Instant?
    /// Unfinished actions, due or not.
    public var outbox: Int
    /// Since when the longest-waiting due action has waited; `nil` when none is due.
    public var outboxWaitingSince: Instant?

    public init(inbox: Int, inboxWaitingSince: Instant?, outbox: Int, outboxWaitingSince: Instant?) {
        self.inbox = inbox
        self.inboxWaitingSince = inboxWaitingSince
        self.outbox = outbox
        self.outboxWaitingSince = outboxWaitingSince
    }

    /// Seconds the longest-waiting due delivery has waited at `now`; 0 when none is due.
    public func inboxAge(at now: Instant) -> Double { Self.age(since: inboxWaitingSince, at: now) }

    /// Seconds the longest-waiting due action has waited at `now`; 0 when none is due.
    public func outboxAge(at now: Instant) -> Double { Self.age(since: outboxWaitingSince, at: now) }

    static func age(since: Instant?, at now: Instant) -> Double {
        guard let since else { return 0 }
        return Double(max(0, now.milliseconds - since.milliseconds)) / 1000
    }
}

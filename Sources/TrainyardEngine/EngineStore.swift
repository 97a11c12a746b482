import TrainyardCore

/// A stored delivery waiting to be applied.
public struct InboxRow: Hashable, Sendable {
    public var id: Int64
    public var delivery: Delivery
    public var attempts: Int
    public init(id: Int64, delivery: Delivery, attempts: Int) {
        self.id = id
        self.delivery = delivery
        self.attempts = attempts
    }
}

/// A stored action waiting to be executed.
public struct OutboxRow: Hashable, Sendable {
    public var id: Int64
    public var train: TrainID
    public var action: TrainAction
    public var attempts: Int
    public init(id: Int64, train: TrainID, action: TrainAction, attempts: Int) {
        self.id = id
        self.train = train
        self.action = action
        self.attempts = attempts
    }
}

public enum InboxInsert: Hashable, Sendable {
    case stored(Int64)
    /// A delivery with the same source and key was stored before.
    case duplicate
}

/// A row finished in the same transaction as a train's new state.
public enum Finishing: Hashable, Sendable {
    case inbox(Int64, outcome: String)
    case outbox(Int64)
}

/// A summary of one stored delivery, for the event log.
public struct InboxRecord: Hashable, Sendable, Codable {
    public var id: Int64
    public var source: String
    public var kind: String
    public var key: String
    public var receivedAt: Instant
    public var outcome: String?

    public init(id: Int64, source: String, kind: String, key: String, receivedAt: Instant, outcome: String?) {
        self.id = id
        self.source = source
        self.kind = kind
        self.key = key
        self.receivedAt = receivedAt
        self.outcome = outcome
    }
}

/// The durable state the engine needs. Every method is one transaction.
public protocol EngineStore: Sendable {
    func insert(_ delivery: Delivery, at: Instant) async throws -> InboxInsert
    /// The oldest unfinished inbox row that is due.
    func nextInbox(now: Instant) async throws -> InboxRow?
    func finishInbox(_ id: Int64, outcome: String, at: Instant) async throws
    func retryInbox(_ id: Int64, error: String, notBefore: Instant) async throws
    func train(_ id: TrainID) async throws -> Train?
    func trains() async throws -> [Train]
    /// Saves a train's new state (when given) and its new actions, and finishes the row that led
    /// to them, in one transaction.
    func commit(
        train id: TrainID, state: Train?, actions: [TrainAction], finishing: Finishing?, at: Instant
    ) async throws
    /// The oldest due outbox row of any train whose older rows are all done (actions of one
    /// train run in order).
    func nextOutbox(now: Instant) async throws -> OutboxRow?
    func finishOutbox(_ id: Int64, at: Instant) async throws
    func retryOutbox(_ id: Int64, error: String, notBefore: Instant) async throws
    /// The newest deliveries, newest first.
    func recentDeliveries(limit: Int) async throws -> [InboxRecord]
}

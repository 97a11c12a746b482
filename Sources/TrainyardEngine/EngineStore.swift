import TrainyardCore

/// A stored delivery waiting to be applied.
public struct InboxRow: Hashable, Sendable {
    public var id: Int64
    public var delivery: Delivery
    public var attempts: Int
    /// The driver it was routed to; `nil` until the engine has routed it.
    public var owner: Owner?
    public init(id: Int64, delivery: Delivery, attempts: Int, owner: Owner? = nil) {
        self.id = id
        self.delivery = delivery
        self.attempts = attempts
        self.owner = owner
    }
}

/// A stored action waiting to be executed.
public struct OutboxRow: Hashable, Sendable {
    public var id: Int64
    public var train: TrainID
    public var action: TrainAction
    public var attempts: Int
    /// The W3C `traceparent` of the event that decided it, when tracing is on.
    public var trace: String?
    public init(id: Int64, train: TrainID, action: TrainAction, attempts: Int, trace: String? = nil) {
        self.id = id
        self.train = train
        self.action = action
        self.attempts = attempts
        self.trace = trace
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

/// The durable state the engine needs. Every method is one transaction. ``SQLiteStore`` and
/// ``PostgresStore`` implement it, and one contract test suite runs against both.
///
/// Rows that cannot be decoded (written by a newer release, or damaged) are moved aside into
/// the quarantine with their error, and the methods carry on as if they were not there.
public protocol EngineStore: ScheduleStore, ReviewAppStore {
    /// Stores deliveries in one transaction (group commit), each unless one with the same source
    /// and key was stored before (earlier in the same batch included). The results are in the
    /// order of `entries`.
    func insert(_ entries: [InboxEntry]) async throws -> [InboxInsert]
    /// The oldest unfinished, due inbox row of `owner` (of any owner, when `nil`; never an
    /// unrouted one).
    func nextInbox(owner: Owner?, now: Instant) async throws -> InboxRow?
    /// Unfinished rows that have no owner yet (stored by a release that did not route), oldest first.
    func unroutedInbox(limit: Int) async throws -> [InboxRow]
    /// Hands an inbox row to another owner.
    func route(inbox id: Int64, to owner: Owner) async throws
    func finishInbox(_ id: Int64, outcome: String, at: Instant) async throws
    func retryInbox(_ id: Int64, error: String, notBefore: Instant) async throws
    func train(_ id: TrainID) async throws -> Train?
    func trains() async throws -> [Train]
    /// Saves a train's new state (when given), its new actions, its decisions (the decision log)
    /// and timer changes, and finishes the row that led to them, in one transaction.
    func commit(
        train id: TrainID, state: Train?, actions: [TrainAction], decisions: [Decision], timers: [TimerChange],
        finishing: Finishing?, at: Instant
    ) async throws
    /// The oldest unfinished outbox row of `owner` when it is due (of any owner whose older rows
    /// are all done, when `nil`): the actions of one train run in order.
    func nextOutbox(owner: Owner?, now: Instant) async throws -> OutboxRow?
    func finishOutbox(_ id: Int64, at: Instant) async throws
    func retryOutbox(_ id: Int64, error: String, notBefore: Instant) async throws
    func setTimers(_ changes: [TimerChange]) async throws
    /// Timers due at `now`, of `owner` (of every owner, when `nil`).
    func dueTimers(now: Instant, owner: Owner?) async throws -> [DueTimer]
    /// When `owner` next has something to do: the earliest of its due inbox rows, its next
    /// action and its timers; `nil` when it has nothing waiting.
    func nextWake(owner: Owner) async throws -> Instant?
    /// Every owner with unfinished rows or timers.
    func activeOwners() async throws -> [Owner]
    /// The newest deliveries, newest first.
    func recentDeliveries(limit: Int) async throws -> [InboxRecord]
    /// How many deliveries and actions are unfinished, and since when the longest-waiting due one
    /// of each has waited (see ``StoreBacklog``).
    func backlog(now: Instant) async throws -> StoreBacklog
    /// The newest rows moved aside, newest first.
    func quarantined(limit: Int) async throws -> [QuarantineRecord]
    /// How many transactions this store ran since it was opened (idle engines run none).
    func transactionCount() async -> Int
    /// Takes `owner`'s lease for `holder` for `seconds` (the database's clock), or renews it when
    /// `holder` has it already; `nil` while another holder's lease has not expired. A new holder
    /// gets the next epoch.
    func acquireLease(_ owner: Owner, holder: String, seconds: Int) async throws -> Lease?
    /// Extends every lease `holder` still has by `seconds` from now; returns their owners.
    func renewLeases(holder: String, seconds: Int) async throws -> [Owner]
    /// Gives a lease up at once (its epoch stays, so a later holder gets the next one).
    func releaseLease(_ lease: Lease) async throws
    /// Like ``commit(train:state:actions:decisions:timers:finishing:at:)``, but only while `fence`
    /// is still the owner's live lease, checked in the same transaction; otherwise throws
    /// ``FencedError`` and writes nothing.
    func commit(
        train id: TrainID, state: Train?, actions: [TrainAction], decisions: [Decision], timers: [TimerChange],
        finishing: Finishing?, at: Instant, fence: Lease
    ) async throws
    /// Decision log entries of one project, newest first (see ``DecisionQuery``).
    func decisions(_ query: DecisionQuery) async throws -> [DecisionRecord]
    /// Deletes up to `limit` finished inbox rows, finished outbox rows, quarantined rows and
    /// decision log entries each whose time is before `before` (the history a retention setting keeps); returns how many rows
    /// went. Unfinished rows are never deleted.
    func pruneHistory(before: Instant, limit: Int) async throws -> Int
    /// Owners whose deliveries were stored by any process, as they are stored (PostgreSQL's
    /// `LISTEN`); `nil` when only this process writes the store.
    func storedOwners() -> AsyncStream<Owner>?
}

/// A write refused because the lease it was made under is no longer the owner's live one.
public struct FencedError: Error, CustomStringConvertible, Sendable {
    public var lease: Lease
    public init(lease: Lease) { self.lease = lease }
    public var description: String {
        "the lease of \(lease.owner) (epoch \(lease.epoch)) is no longer held by \(lease.holder)"
    }
}

extension EngineStore {
    /// Stores a delivery for `owner` (`nil`: the engine routes it later), unless one with the same
    /// source and key was stored before.
    public func insert(_ delivery: Delivery, owner: Owner?, at: Instant) async throws -> InboxInsert {
        let results = try await insert([InboxEntry(delivery: delivery, owner: owner, at: at)])
        guard let result = results.first else { throw PermanentError("the store answered no result for one insert") }
        return result
    }

    /// A commit that changes no timers and logs no decisions.
    public func commit(
        train id: TrainID, state: Train?, actions: [TrainAction], finishing: Finishing?, at: Instant
    ) async throws {
        try await commit(
            train: id, state: state, actions: actions, decisions: [], timers: [], finishing: finishing, at: at)
    }

    /// A commit that logs no decisions.
    public func commit(
        train id: TrainID, state: Train?, actions: [TrainAction], timers: [TimerChange], finishing: Finishing?,
        at: Instant
    ) async throws {
        try await commit(
            train: id, state: state, actions: actions, decisions: [], timers: timers, finishing: finishing, at: at)
    }

    /// A fenced commit that logs no decisions.
    public func commit(
        train id: TrainID, state: Train?, actions: [TrainAction], timers: [TimerChange], finishing: Finishing?,
        at: Instant, fence: Lease
    ) async throws {
        try await commit(
            train: id, state: state, actions: actions, decisions: [], timers: timers, finishing: finishing, at: at,
            fence: fence)
    }
}

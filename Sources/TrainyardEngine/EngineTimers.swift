import TrainyardCore

/// A change to one durable timer, stored in the same transaction as the state it belongs to.
///
/// Timers are how the engine waits: a train's next poll of its running pipelines, its own
/// wake-up (`Train.wakeAt`: pipeline timeouts, batch delays, flake retries), and a wake-up from
/// another train that freed shared CI budget. They survive restarts; nothing scans every train
/// on a clock.
public struct TimerChange: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Due at this time, whatever it was before.
        case set(Instant)
        /// Due at this time or at the time already set, whichever is earlier.
        case earliest(Instant)
        /// Due at this time unless the timer is already set.
        case ifAbsent(Instant)
        /// Not set.
        case clear
        /// Taken off after it fired, unless it was moved past `Instant` meanwhile.
        case fired(Instant)
    }

    public var owner: Owner
    public var name: String
    public var kind: Kind

    public init(owner: Owner, name: String, _ kind: Kind) {
        self.owner = owner
        self.name = name
        self.kind = kind
    }
}

/// A timer whose time has come.
public struct DueTimer: Hashable, Sendable {
    public var owner: Owner
    public var name: String
    public var due: Instant

    public init(owner: Owner, name: String, due: Instant) {
        self.owner = owner
        self.name = name
        self.due = due
    }
}

/// The timers a train keeps.
public enum TrainTimer {
    /// The regular look at running pipelines, in case a webhook was lost.
    public static let poll = "poll"
    /// The train's own wake-up (`Train.wakeAt`).
    public static let wake = "wake"
    /// Another train freed shared CI budget this one is waiting for.
    public static let budget = "budget"
    /// The reconciler's pass over the train (``TrainEngine/reconcile(_:project:firing:)``).
    public static let reconcile = "reconcile"
}

/// A stored row that could not be decoded, moved aside so that it stalls nothing.
public struct QuarantineRecord: Hashable, Sendable, Codable {
    public var id: Int64
    /// `inbox`, `outbox` or `train`.
    public var kind: String
    /// The row's id, or the train's name.
    public var reference: String
    /// The stored text, as it was.
    public var payload: String
    public var error: String
    public var movedAt: Instant

    public init(id: Int64, kind: String, reference: String, payload: String, error: String, movedAt: Instant) {
        self.id = id
        self.kind = kind
        self.reference = reference
        self.payload = payload
        self.error = error
        self.movedAt = movedAt
    }
}

/// The right to drive one owner, held by one replica until it expires unless renewed. The epoch
/// goes up with every new holder; a write of train state carries it and is refused once a newer
/// holder exists (a fencing token), so a replica that was paused and wakes up cannot act on a
/// train it lost.
public struct Lease: Hashable, Sendable {
    public var owner: Owner
    public var holder: String
    public var epoch: Int64
    /// When the lease was taken over from another holder whose lease ran out (it did not give it
    /// up): how many milliseconds ago that lease expired. That holder may still have a request on
    /// its way to the forge, so the new one waits before creating anything there.
    public var takenOverAfter: Int64?

    public init(owner: Owner, holder: String, epoch: Int64, takenOverAfter: Int64? = nil) {
        self.owner = owner
        self.holder = holder
        self.epoch = epoch
        self.takenOverAfter = takenOverAfter
    }
}

import TrainyardCore

/// A delivery on its way into the inbox: what ``EngineStore/insert(_:)`` stores.
public struct InboxEntry: Hashable, Sendable {
    public var delivery: Delivery
    /// The driver it is routed to; `nil` when it needs no driver (it is finished at once) or
    /// when the engine routes it later.
    public var owner: Owner?
    /// Set when the delivery needs no work (an event Trainyard ignores): the row is stored
    /// already finished with this outcome, so that a replay is still recognised.
    public var outcome: String?
    public var at: Instant

    public init(delivery: Delivery, owner: Owner?, outcome: String? = nil, at: Instant) {
        self.delivery = delivery
        self.owner = owner
        self.outcome = outcome
        self.at = at
    }
}

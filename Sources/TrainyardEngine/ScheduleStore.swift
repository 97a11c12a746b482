import TrainyardCore

/// The durable state of pipeline schedules. Part of every ``EngineStore``; one contract test
/// suite runs it against SQLite and PostgreSQL.
public protocol ScheduleStore: Sendable {
    func schedule(named name: String) async throws -> Schedule?
    /// Every stored schedule, by name.
    func schedules() async throws -> [Schedule]
    /// Saves a schedule's new state with its timer changes and the claims of the runs it started,
    /// and finishes the row that led to them, in one transaction. A claim is a unique key per
    /// schedule: when one was stored before, nothing is written and ``ClaimTakenError`` names it.
    /// With `fence`, only while that lease is the owner's live one (else ``FencedError``).
    func commit(
        schedule: Schedule, claims: [String], timers: [TimerChange], finishing: Finishing?, at: Instant, fence: Lease?
    ) async throws
    /// Removes a schedule's state (its claims stay, so a slot it ran is never run again).
    func deleteSchedule(named name: String, timers: [TimerChange], finishing: Finishing?, at: Instant, fence: Lease?)
        async throws
    /// The claims stored for a schedule, oldest first.
    func claims(schedule name: String) async throws -> [String]
}

/// A run's slot was claimed before: it is not run again.
public struct ClaimTakenError: Error, CustomStringConvertible, Sendable {
    public var schedule: String
    public var claim: String
    public init(schedule: String, claim: String) {
        self.schedule = schedule
        self.claim = claim
    }
    public var description: String { "schedule \(schedule): \(claim) was claimed before" }
}

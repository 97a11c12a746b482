import TrainyardCore

/// The durable state of each project's review apps. Part of every ``EngineStore``; one contract
/// test suite runs it against SQLite and PostgreSQL.
public protocol ReviewAppStore: Sendable {
    /// The project's review apps; nil when none was stored yet.
    func reviewApps(of project: ProjectKey) async throws -> ReviewApps?
    /// Saves the project's review apps with their timer changes, and finishes the row that led to
    /// them, in one transaction. With `fence`, only while that lease is the owner's live one (else
    /// ``FencedError``).
    func commit(
        reviewApps: ReviewApps, of project: ProjectKey, timers: [TimerChange], finishing: Finishing?, at: Instant,
        fence: Lease?
    ) async throws
}

import PostgresNIO
import TrainyardCore
import TrainyardEngine

/// The inbox and outbox backlog on PostgreSQL, for `/readyz` and `/metrics`.
extension PostgresStore {
    public func backlog(now: Instant) async throws -> StoreBacklog {
        let at = now.milliseconds
        // Unfinished rows are few and indexed (`inbox_owner_due`, `outbox_due` are partial
        // indexes on them), so this stays cheap however long the history is.
        let rows = try await rows(
            """
            SELECT
                (SELECT count(*) FROM inbox WHERE finished_at IS NULL),
                (SELECT min(GREATEST(received_at, not_before)) FROM inbox
                    WHERE finished_at IS NULL AND not_before <= \(at)),
                (SELECT count(*) FROM outbox WHERE finished_at IS NULL),
                (SELECT min(GREATEST(created_at, not_before)) FROM outbox
                    WHERE finished_at IS NULL AND not_before <= \(at))
            """)
        guard let row = rows.first else { throw PermanentError("PostgreSQL answered no row for the backlog") }
        let (inbox, inboxSince, outbox, outboxSince) = try row.decode((Int64, Int64?, Int64, Int64?).self)
        return StoreBacklog(
            inbox: Int(inbox), inboxWaitingSince: inboxSince.map(Instant.init(milliseconds:)),
            outbox: Int(outbox), outboxWaitingSince: outboxSince.map(Instant.init(milliseconds:)))
    }
}

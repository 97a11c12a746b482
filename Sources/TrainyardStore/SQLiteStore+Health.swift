import SQLiteNIO
import TrainyardCore
import TrainyardEngine

/// The inbox and outbox backlog on SQLite, for `/readyz` and `/metrics`.
extension SQLiteStore {
    public func backlog(now: Instant) async throws -> StoreBacklog {
        let at = SQLiteData.integer(Int(now.milliseconds))
        let rows = try await transaction { connection in
            try await connection.query(
                """
                SELECT
                    (SELECT count(*) FROM inbox WHERE finished_at IS NULL) AS inbox,
                    (SELECT min(max(received_at, not_before)) FROM inbox
                        WHERE finished_at IS NULL AND not_before <= ?) AS inbox_since,
                    (SELECT count(*) FROM outbox WHERE finished_at IS NULL) AS outbox,
                    (SELECT min(max(created_at, not_before)) FROM outbox
                        WHERE finished_at IS NULL AND not_before <= ?) AS outbox_since
                """, [at, at])
        }
        guard let row = rows.first else { throw PermanentError("SQLite answered no row for the backlog") }
        func instant(_ column: String) -> Instant? {
            row.column(column)?.integer.map { Instant(milliseconds: Int64($0)) }
        }
        return StoreBacklog(
            inbox: Int(row.column("inbox")?.integer ?? 0), inboxWaitingSince: instant("inbox_since"),
            outbox: Int(row.column("outbox")?.integer ?? 0), outboxWaitingSince: instant("outbox_since"))
    }
}

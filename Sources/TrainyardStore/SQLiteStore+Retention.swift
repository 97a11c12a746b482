import SQLiteNIO
import TrainyardCore
import TrainyardEngine

/// Pruning old history on SQLite, in small batches so that no transaction holds the writer long.
extension SQLiteStore {
    public func pruneHistory(before: Instant, limit: Int) async throws -> Int {
        let cutoff = SQLiteData.integer(Int(before.milliseconds))
        return try await transaction { connection in
            var deleted = 0
            for (table, column) in [
                ("inbox", "finished_at"), ("outbox", "finished_at"), ("quarantine", "moved_at"), ("decisions", "at"),
            ] {
                let rows = try await connection.query(
                    """
                    DELETE FROM \(table) WHERE id IN (
                        SELECT id FROM \(table) WHERE \(column) IS NOT NULL AND \(column) < ? LIMIT ?
                    ) RETURNING id
                    """, [cutoff, .integer(limit)])
                deleted += rows.count
            }
            // A slot older than the retention can never be claimed again (slots are run at most
            // 10 minutes late), so its claim is no longer needed.
            deleted += try await connection.query(
                """
                DELETE FROM schedule_claims WHERE (schedule, claim) IN (
                    SELECT schedule, claim FROM schedule_claims WHERE claimed_at < ? LIMIT ?
                ) RETURNING claim
                """, [cutoff, .integer(limit)]
            ).count
            return deleted
        }
    }
}

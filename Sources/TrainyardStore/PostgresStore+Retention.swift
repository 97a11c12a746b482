import PostgresNIO
import TrainyardCore
import TrainyardEngine

/// Pruning old history on PostgreSQL, in batches of `limit` rows per table.
extension PostgresStore {
    public func pruneHistory(before: Instant, limit: Int) async throws -> Int {
        let cutoff = before.milliseconds
        let batch = Int64(limit)
        return try await transaction { connection in
            var deleted = 0
            for query: PostgresQuery in [
                """
                DELETE FROM inbox WHERE id IN (
                    SELECT id FROM inbox WHERE finished_at IS NOT NULL AND finished_at < \(cutoff) LIMIT \(batch)
                ) RETURNING id
                """,
                """
                DELETE FROM outbox WHERE id IN (
                    SELECT id FROM outbox WHERE finished_at IS NOT NULL AND finished_at < \(cutoff) LIMIT \(batch)
                ) RETURNING id
                """,
                """
                DELETE FROM quarantine WHERE id IN (
                    SELECT id FROM quarantine WHERE moved_at < \(cutoff) LIMIT \(batch)
                ) RETURNING id
                """,
                """
                DELETE FROM decisions WHERE id IN (
                    SELECT id FROM decisions WHERE at < \(cutoff) LIMIT \(batch)
                ) RETURNING id
                """,
                // A slot older than the retention can never be claimed again (slots are run at
                // most 10 minutes late), so its claim is no longer needed.
                """
                DELETE FROM schedule_claims WHERE (schedule, claim) IN (
                    SELECT schedule, claim FROM schedule_claims WHERE claimed_at < \(cutoff) LIMIT \(batch)
                ) RETURNING claim
                """,
            ] {
                deleted += try await connection.query(query, logger: logger).collect().count
            }
            return deleted
        }
    }
}

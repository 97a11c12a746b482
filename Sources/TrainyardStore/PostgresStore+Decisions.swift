import PostgresNIO
import TrainyardCore
import TrainyardEngine

/// Reading the decision log on PostgreSQL.
extension PostgresStore {
    public func decisions(_ query: DecisionQuery) async throws -> [DecisionRecord] {
        // Absent filters are NULL and match everything, so that one statement serves every query.
        let pattern = query.change.map { "%,\($0),%" }
        let since = query.since?.milliseconds
        let rows = try await rows(
            """
            SELECT id, target, decision, at FROM decisions
            WHERE forge = \(query.forge) AND project = \(query.project)
            AND (\(query.target)::text IS NULL OR target = \(query.target))
            AND (\(pattern)::text IS NULL OR changes LIKE \(pattern))
            AND (\(since)::bigint IS NULL OR at >= \(since))
            AND (\(query.before)::bigint IS NULL OR id < \(query.before))
            AND (\(query.after)::bigint IS NULL OR id > \(query.after))
            ORDER BY id DESC LIMIT \(Int64(query.limit))
            """)
        return rows.compactMap { row in
            // An entry this build cannot read (a newer format) is left out of the answer.
            guard let (id, target, text, at) = try? row.decode((Int64, String, String, Int64).self),
                let decision = try? coder.decode(Decision.self, from: text)
            else { return nil }
            return DecisionRecord(id: id, target: target, decision: decision, at: Instant(milliseconds: at))
        }
    }
}

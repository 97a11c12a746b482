import SQLiteNIO
import TrainyardCore
import TrainyardEngine

/// Reading the decision log on SQLite.
extension SQLiteStore {
    public func decisions(_ query: DecisionQuery) async throws -> [DecisionRecord] {
        var sql = "SELECT id, target, decision, at FROM decisions WHERE forge = ? AND project = ?"
        var binds: [SQLiteData] = [.text(query.forge), .text(query.project)]
        if let target = query.target {
            sql += " AND target = ?"
            binds.append(.text(target))
        }
        if let change = query.change {
            sql += " AND changes LIKE ?"
            binds.append(.text("%,\(change),%"))
        }
        if let since = query.since {
            sql += " AND at >= ?"
            binds.append(.integer(Int(since.milliseconds)))
        }
        if let before = query.before {
            sql += " AND id < ?"
            binds.append(.integer(Int(before)))
        }
        if let after = query.after {
            sql += " AND id > ?"
            binds.append(.integer(Int(after)))
        }
        sql += " ORDER BY id DESC LIMIT ?"
        binds.append(.integer(query.limit))
        let rows = try await transaction { connection in try await connection.query(sql, binds) }
        return rows.compactMap { row in
            // An entry this build cannot read (a newer format) is left out of the answer.
            guard let text = row.column("decision")?.string,
                let decision = try? coder.decode(Decision.self, from: text)
            else { return nil }
            return DecisionRecord(
                id: Int64(row.column("id")?.integer ?? 0), target: row.column("target")?.string ?? "",
                decision: decision, at: Instant(milliseconds: Int64(row.column("at")?.integer ?? 0)))
        }
    }
}

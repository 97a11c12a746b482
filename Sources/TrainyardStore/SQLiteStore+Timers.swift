import Foundation
import SQLiteNIO
import TrainyardCore
import TrainyardEngine

/// Timers, owners with work, and rows moved aside, on SQLite.
extension SQLiteStore {
    public func setTimers(_ changes: [TimerChange]) async throws {
        guard !changes.isEmpty else { return }
        try await transaction { connection in try await Self.apply(changes, on: connection) }
    }

    static func apply(_ changes: [TimerChange], on connection: SQLiteConnection) async throws {
        for change in changes {
            let owner = SQLiteData.text(change.owner.key)
            let name = SQLiteData.text(change.name)
            let upsert = "INSERT INTO timers (owner, name, due) VALUES (?, ?, ?) ON CONFLICT (owner, name) "
            switch change.kind {
            case .set(let due):
                _ = try await connection.query(
                    upsert + "DO UPDATE SET due = excluded.due", [owner, name, .integer(Int(due.milliseconds))])
            case .earliest(let due):
                _ = try await connection.query(
                    upsert + "DO UPDATE SET due = min(due, excluded.due)",
                    [owner, name, .integer(Int(due.milliseconds))])
            case .ifAbsent(let due):
                _ = try await connection.query(upsert + "DO NOTHING", [owner, name, .integer(Int(due.milliseconds))])
            case .clear:
                _ = try await connection.query("DELETE FROM timers WHERE owner = ? AND name = ?", [owner, name])
            case .fired(let due):
                _ = try await connection.query(
                    "DELETE FROM timers WHERE owner = ? AND name = ? AND due <= ?",
                    [owner, name, .integer(Int(due.milliseconds))])
            }
        }
    }

    public func dueTimers(now: Instant, owner: Owner?) async throws -> [DueTimer] {
        let rows = try await transaction { connection in
            if let owner {
                return try await connection.query(
                    "SELECT owner, name, due FROM timers WHERE owner = ? AND due <= ? ORDER BY due, name",
                    [.text(owner.key), .integer(Int(now.milliseconds))])
            }
            return try await connection.query(
                "SELECT owner, name, due FROM timers WHERE due <= ? ORDER BY due, owner, name",
                [.integer(Int(now.milliseconds))])
        }
        return rows.compactMap { row in
            guard let owner = row.column("owner")?.string.flatMap(Owner.init(key:)) else { return nil }
            return DueTimer(
                owner: owner, name: row.column("name")?.string ?? "",
                due: Instant(milliseconds: Int64(row.column("due")?.integer ?? 0)))
        }
    }

    public func nextWake(owner: Owner) async throws -> Instant? {
        let key = SQLiteData.text(owner.key)
        let rows = try await transaction { connection in
            try await connection.query(
                """
                SELECT MIN(t) AS wake FROM (
                    SELECT MIN(not_before) AS t FROM inbox WHERE owner = ? AND finished_at IS NULL
                    UNION ALL
                    SELECT (SELECT not_before FROM outbox WHERE train = ? AND finished_at IS NULL ORDER BY id LIMIT 1)
                    UNION ALL
                    SELECT MIN(due) FROM timers WHERE owner = ?
                )
                """, [key, key, key])
        }
        return rows.first?.column("wake")?.integer.map { Instant(milliseconds: Int64($0)) }
    }

    public func activeOwners() async throws -> [Owner] {
        let rows = try await transaction { connection in
            try await connection.query(
                """
                SELECT owner AS o FROM inbox WHERE finished_at IS NULL AND owner IS NOT NULL
                UNION SELECT train FROM outbox WHERE finished_at IS NULL
                UNION SELECT owner FROM timers
                """, [])
        }
        return rows.compactMap { $0.column("o")?.string.flatMap(Owner.init(key:)) }.sorted { $0.key < $1.key }
    }

    public func quarantined(limit: Int) async throws -> [QuarantineRecord] {
        let rows = try await transaction { connection in
            try await connection.query(
                "SELECT id, kind, reference, payload, error, moved_at FROM quarantine ORDER BY id DESC LIMIT ?",
                [.integer(limit)])
        }
        return rows.map { row in
            QuarantineRecord(
                id: Int64(row.column("id")?.integer ?? 0), kind: row.column("kind")?.string ?? "",
                reference: row.column("reference")?.string ?? "", payload: row.column("payload")?.string ?? "",
                error: row.column("error")?.string ?? "",
                movedAt: Instant(milliseconds: Int64(row.column("moved_at")?.integer ?? 0)))
        }
    }

    /// Moves a row that cannot be decoded into `quarantine`, with its error, and runs `release`
    /// (which takes the row out of the work) in the same transaction.
    func moveAside(
        kind: String, reference: String, payload: String, error: any Error,
        release: (SQLiteConnection) async throws -> Void
    ) async throws {
        let message = String("\(error)".prefix(2000))
        logger.error(
            "a stored row cannot be read and was moved aside",
            metadata: ["kind": "\(kind)", "row": "\(reference)", "error": "\(message)"])
        try await transaction { connection in
            _ = try await connection.query(
                "INSERT INTO quarantine (kind, reference, payload, error, moved_at) VALUES (?, ?, ?, ?, ?)",
                [.text(kind), .text(reference), .text(payload), .text(message), .integer(Int(Self.nowMilliseconds()))])
            try await release(connection)
        }
    }

    static func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

import Foundation
import PostgresNIO
import TrainyardCore
import TrainyardEngine

/// Timers, owners with work, and rows moved aside, on PostgreSQL.
extension PostgresStore {
    public func setTimers(_ changes: [TimerChange]) async throws {
        guard !changes.isEmpty else { return }
        try await transaction { connection in try await Self.apply(changes, on: connection, logger: logger) }
    }

    static func apply(_ changes: [TimerChange], on connection: PostgresConnection, logger: Logger) async throws {
        for change in changes {
            let owner = change.owner.key
            switch change.kind {
            case .set(let due):
                try await connection.query(
                    """
                    INSERT INTO timers (owner, name, due) VALUES (\(owner), \(change.name), \(due.milliseconds))
                    ON CONFLICT (owner, name) DO UPDATE SET due = excluded.due
                    """, logger: logger)
            case .earliest(let due):
                try await connection.query(
                    """
                    INSERT INTO timers (owner, name, due) VALUES (\(owner), \(change.name), \(due.milliseconds))
                    ON CONFLICT (owner, name) DO UPDATE SET due = LEAST(timers.due, excluded.due)
                    """, logger: logger)
            case .ifAbsent(let due):
                try await connection.query(
                    """
                    INSERT INTO timers (owner, name, due) VALUES (\(owner), \(change.name), \(due.milliseconds))
                    ON CONFLICT (owner, name) DO NOTHING
                    """, logger: logger)
            case .clear:
                try await connection.query(
                    "DELETE FROM timers WHERE owner = \(owner) AND name = \(change.name)", logger: logger)
            case .fired(let due):
                try await connection.query(
                    """
                    DELETE FROM timers WHERE owner = \(owner) AND name = \(change.name) AND due <= \(due.milliseconds)
                    """, logger: logger)
            }
        }
    }

    public func dueTimers(now: Instant, owner: Owner?) async throws -> [DueTimer] {
        let found: [PostgresRow]
        if let owner {
            found = try await rows(
                """
                SELECT owner, name, due FROM timers WHERE owner = \(owner.key) AND due <= \(now.milliseconds)
                ORDER BY due, name
                """)
        } else {
            found = try await rows(
                "SELECT owner, name, due FROM timers WHERE due <= \(now.milliseconds) ORDER BY due, owner, name")
        }
        return try found.compactMap { row in
            let (owner, name, due) = try row.decode((String, String, Int64).self)
            return Owner(key: owner).map { DueTimer(owner: $0, name: name, due: Instant(milliseconds: due)) }
        }
    }

    public func nextWake(owner: Owner) async throws -> Instant? {
        let key = owner.key
        let found = try await rows(
            """
            SELECT MIN(t) FROM (
                SELECT MIN(not_before) AS t FROM inbox WHERE owner = \(key) AND finished_at IS NULL
                UNION ALL
                SELECT (SELECT not_before FROM outbox WHERE train = \(key) AND finished_at IS NULL ORDER BY id LIMIT 1)
                UNION ALL
                SELECT MIN(due) FROM timers WHERE owner = \(key)
            ) AS wakes
            """)
        return try found.first?.decode(Int64?.self).map(Instant.init(milliseconds:))
    }

    public func activeOwners() async throws -> [Owner] {
        try await rows(
            """
            SELECT owner FROM inbox WHERE finished_at IS NULL AND owner IS NOT NULL
            UNION SELECT train FROM outbox WHERE finished_at IS NULL
            UNION SELECT owner FROM timers
            """
        ).compactMap { Owner(key: try $0.decode(String.self)) }.sorted { $0.key < $1.key }
    }

    public func quarantined(limit: Int) async throws -> [QuarantineRecord] {
        try await rows(
            "SELECT id, kind, reference, payload, error, moved_at FROM quarantine ORDER BY id DESC LIMIT \(Int64(limit))"
        ).map { row in
            let (id, kind, reference, payload, error, at) = try row.decode(
                (Int64, String, String, String, String, Int64).self)
            return QuarantineRecord(
                id: id, kind: kind, reference: reference, payload: payload, error: error,
                movedAt: Instant(milliseconds: at))
        }
    }

    /// Moves a row that cannot be decoded into `quarantine`, with its error, and runs `release`
    /// (which takes the row out of the work) in the same transaction.
    func moveAside(
        kind: String, reference: String, payload: String, error: any Error,
        release: (PostgresConnection) async throws -> Void
    ) async throws {
        let message = String("\(error)".prefix(2000))
        logger.error(
            "a stored row cannot be read and was moved aside",
            metadata: ["kind": "\(kind)", "row": "\(reference)", "error": "\(message)"])
        try await transaction { connection in
            try await connection.query(
                """
                INSERT INTO quarantine (kind, reference, payload, error, moved_at)
                VALUES (\(kind), \(reference), \(payload), \(message), \(Self.nowMilliseconds()))
                """, logger: logger)
            try await release(connection)
        }
    }

    static func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

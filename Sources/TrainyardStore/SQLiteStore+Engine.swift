import SQLiteNIO
import TrainyardCore
import TrainyardEngine

/// The engine's queries: inbox, trains and outbox.
extension SQLiteStore {
    public func insert(_ delivery: Delivery, at: Instant) async throws -> InboxInsert {
        let payload = try json(delivery)
        return try await transaction { connection in
            let rows = try await connection.query(
                """
                INSERT INTO inbox (source, key, kind, delivery, received_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (source, key) DO NOTHING RETURNING id
                """,
                [
                    .text(delivery.source), .text(delivery.key), .text(delivery.kind), payload,
                    .integer(Int(at.milliseconds)),
                ])
            guard let id = rows.first?.column("id")?.integer else { return .duplicate }
            return .stored(Int64(id))
        }
    }

    public func nextInbox(now: Instant) async throws -> InboxRow? {
        let rows = try await transaction { connection in
            try await connection.query(
                """
                SELECT id, delivery, attempts FROM inbox
                WHERE finished_at IS NULL AND not_before <= ? ORDER BY id LIMIT 1
                """, [.integer(Int(now.milliseconds))])
        }
        guard let row = rows.first, let id = row.column("id")?.integer else { return nil }
        return InboxRow(
            id: Int64(id), delivery: try value(Delivery.self, from: row.column("delivery")),
            attempts: Int(row.column("attempts")?.integer ?? 0))
    }

    public func finishInbox(_ id: Int64, outcome: String, at: Instant) async throws {
        try await transaction { connection in
            try await Self.finishInbox(id, outcome: outcome, at: at, on: connection)
        }
    }

    static func finishInbox(_ id: Int64, outcome: String, at: Instant, on connection: SQLiteConnection) async throws {
        _ = try await connection.query(
            "UPDATE inbox SET finished_at = ?, outcome = ? WHERE id = ?",
            [.integer(Int(at.milliseconds)), .text(outcome), .integer(Int(id))])
    }

    public func retryInbox(_ id: Int64, error: String, notBefore: Instant) async throws {
        try await transaction { connection in
            _ = try await connection.query(
                "UPDATE inbox SET attempts = attempts + 1, last_error = ?, not_before = ? WHERE id = ?",
                [.text(String(error.prefix(2000))), .integer(Int(notBefore.milliseconds)), .integer(Int(id))])
        }
    }

    public func train(_ id: TrainID) async throws -> Train? {
        let rows = try await transaction { connection in
            try await connection.query("SELECT state FROM trains WHERE train = ?", [.text(id.description)])
        }
        guard let row = rows.first else { return nil }
        return try value(Train.self, from: row.column("state"))
    }

    public func trains() async throws -> [Train] {
        let rows = try await transaction { connection in
            try await connection.query("SELECT state FROM trains ORDER BY train", [])
        }
        return try rows.map { try value(Train.self, from: $0.column("state")) }
    }

    public func commit(
        train id: TrainID, state: Train?, actions: [TrainAction], finishing: Finishing?, at: Instant
    ) async throws {
        let stateJSON = try state.map { try json($0) }
        let trainJSON = try json(id)
        let actionJSON = try actions.map { try json($0) }
        let now = SQLiteData.integer(Int(at.milliseconds))
        try await transaction { connection in
            if let stateJSON {
                _ = try await connection.query(
                    """
                    INSERT INTO trains (train, state, version, updated_at) VALUES (?, ?, 1, ?)
                    ON CONFLICT (train) DO UPDATE SET state = excluded.state, version = version + 1,
                    updated_at = excluded.updated_at
                    """, [.text(id.description), stateJSON, now])
            }
            for action in actionJSON {
                _ = try await connection.query(
                    "INSERT INTO outbox (train, train_id, action, created_at) VALUES (?, ?, ?, ?)",
                    [.text(id.description), trainJSON, action, now])
            }
            switch finishing {
            case .inbox(let row, let outcome):
                try await Self.finishInbox(row, outcome: outcome, at: at, on: connection)
            case .outbox(let row):
                try await Self.finishOutbox(row, at: at, on: connection)
            case nil:
                break
            }
        }
    }

    public func nextOutbox(now: Instant) async throws -> OutboxRow? {
        let rows = try await transaction { connection in
            try await connection.query(
                """
                SELECT o.id, o.train_id, o.action, o.attempts FROM outbox o
                WHERE o.finished_at IS NULL AND o.not_before <= ?
                AND NOT EXISTS (
                    SELECT 1 FROM outbox p WHERE p.finished_at IS NULL AND p.train = o.train AND p.id < o.id
                )
                ORDER BY o.id LIMIT 1
                """, [.integer(Int(now.milliseconds))])
        }
        guard let row = rows.first, let id = row.column("id")?.integer else { return nil }
        return OutboxRow(
            id: Int64(id), train: try value(TrainID.self, from: row.column("train_id")),
            action: try value(TrainAction.self, from: row.column("action")),
            attempts: Int(row.column("attempts")?.integer ?? 0))
    }

    public func finishOutbox(_ id: Int64, at: Instant) async throws {
        try await transaction { connection in
            try await Self.finishOutbox(id, at: at, on: connection)
        }
    }

    static func finishOutbox(_ id: Int64, at: Instant, on connection: SQLiteConnection) async throws {
        _ = try await connection.query(
            "UPDATE outbox SET finished_at = ? WHERE id = ?", [.integer(Int(at.milliseconds)), .integer(Int(id))])
    }

    public func retryOutbox(_ id: Int64, error: String, notBefore: Instant) async throws {
        try await transaction { connection in
            _ = try await connection.query(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, not_before = ? WHERE id = ?",
                [.text(String(error.prefix(2000))), .integer(Int(notBefore.milliseconds)), .integer(Int(id))])
        }
    }

    public func recentDeliveries(limit: Int) async throws -> [InboxRecord] {
        let rows = try await transaction { connection in
            try await connection.query(
                "SELECT id, source, kind, key, received_at, outcome FROM inbox ORDER BY id DESC LIMIT ?",
                [.integer(limit)])
        }
        return rows.map { row in
            InboxRecord(
                id: Int64(row.column("id")?.integer ?? 0), source: row.column("source")?.string ?? "",
                kind: row.column("kind")?.string ?? "", key: row.column("key")?.string ?? "",
                receivedAt: Instant(milliseconds: Int64(row.column("received_at")?.integer ?? 0)),
                outcome: row.column("outcome")?.string)
        }
    }
}

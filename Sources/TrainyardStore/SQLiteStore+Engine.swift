import SQLiteNIO
import TrainyardCore
import TrainyardEngine

/// The engine's queries: inbox, trains and outbox.
extension SQLiteStore {
    public func insert(_ entries: [InboxEntry]) async throws -> [InboxInsert] {
        let payloads = try entries.map { SQLiteData.text(try coder.encode($0.delivery)) }
        return try await transaction { connection in
            var results: [InboxInsert] = []
            results.reserveCapacity(entries.count)
            for (entry, payload) in zip(entries, payloads) {
                let delivery = entry.delivery
                let rows = try await connection.query(
                    """
                    INSERT INTO inbox (source, key, kind, owner, delivery, received_at, finished_at, outcome)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (source, key) DO NOTHING RETURNING id
                    """,
                    [
                        .text(delivery.source), .text(delivery.key), .text(delivery.kind),
                        entry.owner.map { .text($0.key) } ?? .null, payload, .integer(Int(entry.at.milliseconds)),
                        entry.outcome == nil ? .null : .integer(Int(entry.at.milliseconds)),
                        entry.outcome.map { .text($0) } ?? .null,
                    ])
                results.append(rows.first?.column("id")?.integer.map { .stored(Int64($0)) } ?? .duplicate)
            }
            return results
        }
    }

    public func nextInbox(owner: Owner?, now: Instant) async throws -> InboxRow? {
        for _ in 0..<100 {
            let rows = try await transaction { connection in
                if let owner {
                    return try await connection.query(
                        """
                        SELECT id, delivery, attempts, owner FROM inbox
                        WHERE owner = ? AND finished_at IS NULL AND not_before <= ? ORDER BY id LIMIT 1
                        """, [.text(owner.key), .integer(Int(now.milliseconds))])
                }
                return try await connection.query(
                    """
                    SELECT id, delivery, attempts, owner FROM inbox
                    WHERE finished_at IS NULL AND owner IS NOT NULL AND not_before <= ? ORDER BY id LIMIT 1
                    """, [.integer(Int(now.milliseconds))])
            }
            guard let row = rows.first else { return nil }
            if let decoded = try await inboxRow(row) { return decoded }
        }
        return nil
    }

    public func unroutedInbox(limit: Int) async throws -> [InboxRow] {
        let rows = try await transaction { connection in
            try await connection.query(
                """
                SELECT id, delivery, attempts, owner FROM inbox WHERE finished_at IS NULL AND owner IS NULL
                ORDER BY id LIMIT ?
                """, [.integer(limit)])
        }
        var result: [InboxRow] = []
        for row in rows {
            if let decoded = try await inboxRow(row) { result.append(decoded) }
        }
        return result
    }

    /// Decodes an inbox row; one that cannot be decoded is moved aside and `nil` returned.
    private func inboxRow(_ row: SQLiteRow) async throws -> InboxRow? {
        let id = Int64(row.column("id")?.integer ?? 0)
        let text = row.column("delivery")?.string ?? ""
        do {
            return InboxRow(
                id: id, delivery: try coder.decode(Delivery.self, from: text),
                attempts: Int(row.column("attempts")?.integer ?? 0),
                owner: row.column("owner")?.string.flatMap(Owner.init(key:)))
        } catch {
            try await moveAside(kind: "inbox", reference: "\(id)", payload: text, error: error) { connection in
                _ = try await connection.query(
                    "UPDATE inbox SET finished_at = ?, outcome = ? WHERE id = ?",
                    [.integer(Int(Self.nowMilliseconds())), .text("undecodable: \(error)"), .integer(Int(id))])
            }
            return nil
        }
    }

    public func route(inbox id: Int64, to owner: Owner) async throws {
        try await transaction { connection in
            _ = try await connection.query(
                "UPDATE inbox SET owner = ? WHERE id = ?", [.text(owner.key), .integer(Int(id))])
        }
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
            try await connection.query("SELECT train, state FROM trains WHERE train = ?", [.text(id.description)])
        }
        guard let row = rows.first else { return nil }
        return try await trainState(row)
    }

    public func trains() async throws -> [Train] {
        let rows = try await transaction { connection in
            try await connection.query("SELECT train, state FROM trains ORDER BY train", [])
        }
        var result: [Train] = []
        for row in rows {
            if let train = try await trainState(row) { result.append(train) }
        }
        return result
    }

    /// Decodes a train's stored state; one that cannot be decoded is moved aside (the train starts
    /// again empty) and `nil` returned.
    private func trainState(_ row: SQLiteRow) async throws -> Train? {
        let name = row.column("train")?.string ?? ""
        let text = row.column("state")?.string ?? ""
        do {
            return try coder.decode(Train.self, from: text)
        } catch {
            try await moveAside(kind: "train", reference: name, payload: text, error: error) { connection in
                _ = try await connection.query("DELETE FROM trains WHERE train = ?", [.text(name)])
            }
            return nil
        }
    }

    public func commit(
        train id: TrainID, state: Train?, actions: [TrainAction], decisions: [Decision], timers: [TimerChange],
        finishing: Finishing?, at: Instant
    ) async throws {
        try await write(
            train: id, state: state, actions: actions, decisions: decisions, timers: timers, finishing: finishing,
            at: at, fence: nil)
    }

    public func commit(
        train id: TrainID, state: Train?, actions: [TrainAction], decisions: [Decision], timers: [TimerChange],
        finishing: Finishing?, at: Instant, fence: Lease
    ) async throws {
        try await write(
            train: id, state: state, actions: actions, decisions: decisions, timers: timers, finishing: finishing,
            at: at, fence: fence)
    }

    private func write(
        train id: TrainID, state: Train?, actions: [TrainAction], decisions: [Decision], timers: [TimerChange],
        finishing: Finishing?, at: Instant, fence: Lease?
    ) async throws {
        let stateJSON = try state.map { SQLiteData.text(try coder.encode($0)) }
        let trainJSON = SQLiteData.text(try coder.encode(id))
        let actionJSON = try actions.map { SQLiteData.text(try coder.encode($0)) }
        let decisionJSON = try decisions.map { (DecisionQuery.stored($0.changes), try coder.encode($0)) }
        let now = SQLiteData.integer(Int(at.milliseconds))
        let epoch = SQLiteData.integer(Int(fence?.epoch ?? 0))
        let trace = TraceParent.forActions
        try await transaction { connection in
            if let fence {
                let live = try await connection.query(
                    "SELECT 1 FROM leases WHERE owner = ? AND holder = ? AND epoch = ? AND expires_at > ?",
                    [
                        .text(fence.owner.key), .text(fence.holder), epoch,
                        .integer(Int(Self.nowMilliseconds())),
                    ])
                guard !live.isEmpty else { throw FencedError(lease: fence) }
            }
            if let stateJSON {
                let written = try await connection.query(
                    """
                    INSERT INTO trains (train, state, version, updated_at, fence) VALUES (?, ?, 1, ?, ?)
                    ON CONFLICT (train) DO UPDATE SET state = excluded.state, version = version + 1,
                    updated_at = excluded.updated_at, fence = max(fence, excluded.fence)
                    WHERE fence <= excluded.fence OR excluded.fence = 0 RETURNING version
                    """, [.text(id.description), stateJSON, now, epoch])
                if let fence, written.isEmpty { throw FencedError(lease: fence) }
            }
            for action in actionJSON {
                _ = try await connection.query(
                    "INSERT INTO outbox (train, train_id, action, created_at, trace) VALUES (?, ?, ?, ?, ?)",
                    [.text(id.description), trainJSON, action, now, trace.map(SQLiteData.text) ?? .null])
            }
            for (changes, decision) in decisionJSON {
                _ = try await connection.query(
                    "INSERT INTO decisions (forge, project, target, changes, decision, at) VALUES (?, ?, ?, ?, ?, ?)",
                    [.text(id.forge), .text(id.project), .text(id.target), .text(changes), .text(decision), now])
            }
            try await Self.apply(timers, on: connection)
            try await Self.finish(finishing, at: at, on: connection)
        }
    }

    public func nextOutbox(owner: Owner?, now: Instant) async throws -> OutboxRow? {
        for _ in 0..<100 {
            // One owner's actions run in order: only its oldest unfinished row can be next.
            let rows = try await transaction { connection in
                if let owner {
                    return try await connection.query(
                        """
                        SELECT id, train_id, action, attempts, not_before, trace FROM outbox
                        WHERE train = ? AND finished_at IS NULL ORDER BY id LIMIT 1
                        """, [.text(owner.key)])
                }
                return try await connection.query(
                    """
                    SELECT o.id, o.train_id, o.action, o.attempts, o.not_before, o.trace FROM outbox o
                    WHERE o.finished_at IS NULL AND o.not_before <= ?
                    AND NOT EXISTS (
                        SELECT 1 FROM outbox p WHERE p.finished_at IS NULL AND p.train = o.train AND p.id < o.id
                    )
                    ORDER BY o.id LIMIT 1
                    """, [.integer(Int(now.milliseconds))])
            }
            guard let row = rows.first, let id = row.column("id")?.integer else { return nil }
            guard Int64(row.column("not_before")?.integer ?? 0) <= now.milliseconds else { return nil }
            let actionText = row.column("action")?.string ?? ""
            do {
                return OutboxRow(
                    id: Int64(id), train: try coder.decode(TrainID.self, from: row.column("train_id")?.string ?? ""),
                    action: try coder.decode(TrainAction.self, from: actionText),
                    attempts: Int(row.column("attempts")?.integer ?? 0), trace: row.column("trace")?.string)
            } catch {
                try await moveAside(kind: "outbox", reference: "\(id)", payload: actionText, error: error) {
                    connection in
                    _ = try await connection.query(
                        "UPDATE outbox SET finished_at = ? WHERE id = ?",
                        [.integer(Int(Self.nowMilliseconds())), .integer(id)])
                }
            }
        }
        return nil
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

import PostgresNIO
import TrainyardCore
import TrainyardEngine

/// The engine's queries on PostgreSQL: inbox, trains and outbox.
extension PostgresStore {
    public func insert(_ entries: [InboxEntry]) async throws -> [InboxInsert] {
        let payloads = try entries.map { try coder.encode($0.delivery) }
        let sources = entries.map(\.delivery.source)
        let keys = entries.map(\.delivery.key)
        let kinds = entries.map(\.delivery.kind)
        let owners = entries.map { $0.owner?.key ?? "" }
        let times = entries.map { $0.at.milliseconds }
        let finished = entries.map { $0.outcome != nil }
        let outcomes = entries.map { $0.outcome ?? "" }
        // One statement for the whole batch. Within it, a second delivery with the same source and
        // key finds the first and is skipped. The notifications go out when the insert commits:
        // every replica hears of the new work.
        let found = try await rows(
            """
            WITH stored AS (
                INSERT INTO inbox (source, key, kind, owner, delivery, received_at, finished_at, outcome)
                SELECT source, key, kind, NULLIF(owner, ''), delivery, received_at,
                    CASE WHEN finished THEN received_at END, CASE WHEN finished THEN outcome END
                FROM unnest(\(sources)::text[], \(keys)::text[], \(kinds)::text[], \(owners)::text[],
                    \(payloads)::text[], \(times)::bigint[], \(finished)::bool[], \(outcomes)::text[])
                    WITH ORDINALITY AS entry(source, key, kind, owner, delivery, received_at, finished, outcome, position)
                ORDER BY position
                ON CONFLICT (source, key) DO NOTHING RETURNING id, source, key, owner
            )
            SELECT id, source, key, pg_notify(\(Self.channel), COALESCE(owner, '')) IS NULL FROM stored
            """)
        var stored: [String: [String: Int64]] = [:]
        for row in found {
            let (id, source, key, _) = try row.decode((Int64, String, String, Bool).self)
            stored[source, default: [:]][key] = id
        }
        return entries.map { entry in
            guard let id = stored[entry.delivery.source]?.removeValue(forKey: entry.delivery.key) else {
                return .duplicate
            }
            return .stored(id)
        }
    }

    public func nextInbox(owner: Owner?, now: Instant) async throws -> InboxRow? {
        for _ in 0..<100 {
            let found: [PostgresRow]
            if let owner {
                found = try await rows(
                    """
                    SELECT id, delivery, attempts, owner FROM inbox
                    WHERE owner = \(owner.key) AND finished_at IS NULL AND not_before <= \(now.milliseconds)
                    ORDER BY id LIMIT 1
                    """)
            } else {
                found = try await rows(
                    """
                    SELECT id, delivery, attempts, owner FROM inbox
                    WHERE owner IS NOT NULL AND finished_at IS NULL AND not_before <= \(now.milliseconds)
                    ORDER BY id LIMIT 1
                    """)
            }
            guard let row = found.first else { return nil }
            if let decoded = try await inboxRow(row) { return decoded }
        }
        return nil
    }

    public func unroutedInbox(limit: Int) async throws -> [InboxRow] {
        let found = try await rows(
            """
            SELECT id, delivery, attempts, owner FROM inbox WHERE owner IS NULL AND finished_at IS NULL
            ORDER BY id LIMIT \(Int64(limit))
            """)
        var result: [InboxRow] = []
        for row in found {
            if let decoded = try await inboxRow(row) { result.append(decoded) }
        }
        return result
    }

    /// Decodes an inbox row; one that cannot be decoded is moved aside and `nil` returned.
    private func inboxRow(_ row: PostgresRow) async throws -> InboxRow? {
        let (id, text, attempts, owner) = try row.decode((Int64, String, Int64, String?).self)
        do {
            return InboxRow(
                id: id, delivery: try coder.decode(Delivery.self, from: text), attempts: Int(attempts),
                owner: owner.flatMap(Owner.init(key:)))
        } catch {
            try await moveAside(kind: "inbox", reference: "\(id)", payload: text, error: error) { connection in
                try await connection.query(
                    "UPDATE inbox SET finished_at = \(Self.nowMilliseconds()), outcome = \("undecodable: \(error)") WHERE id = \(id)",
                    logger: self.logger)
            }
            return nil
        }
    }

    public func route(inbox id: Int64, to owner: Owner) async throws {
        try await rows("UPDATE inbox SET owner = \(owner.key) WHERE id = \(id)")
    }

    public func finishInbox(_ id: Int64, outcome: String, at: Instant) async throws {
        try await rows("UPDATE inbox SET finished_at = \(at.milliseconds), outcome = \(outcome) WHERE id = \(id)")
    }

    public func retryInbox(_ id: Int64, error: String, notBefore: Instant) async throws {
        try await rows(
            """
            UPDATE inbox SET attempts = attempts + 1, last_error = \(String(error.prefix(2000))),
            not_before = \(notBefore.milliseconds) WHERE id = \(id)
            """)
    }

    public func train(_ id: TrainID) async throws -> Train? {
        guard let row = try await rows("SELECT state FROM trains WHERE train = \(id.description)").first else {
            return nil
        }
        return try await trainState(id.description, row)
    }

    public func trains() async throws -> [Train] {
        var result: [Train] = []
        for row in try await rows("SELECT train, state FROM trains ORDER BY train") {
            let (name, _) = try row.decode((String, String).self)
            if let train = try await trainState(name, row, column: 1) { result.append(train) }
        }
        return result
    }

    /// Decodes a train's stored state; one that cannot be decoded is moved aside (the train starts
    /// again empty) and `nil` returned.
    private func trainState(_ name: String, _ row: PostgresRow, column: Int = 0) async throws -> Train? {
        let text = try column == 0 ? row.decode(String.self) : row.decode((String, String).self).1
        do {
            return try coder.decode(Train.self, from: text)
        } catch {
            try await moveAside(kind: "train", reference: name, payload: text, error: error) { connection in
                try await connection.query("DELETE FROM trains WHERE train = \(name)", logger: self.logger)
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
        let stateJSON = try state.map { try coder.encode($0) }
        let trainJSON = try coder.encode(id)
        let actionJSON = try actions.map { try coder.encode($0) }
        let decisionJSON = try decisions.map { (DecisionQuery.stored($0.changes), try coder.encode($0)) }
        let now = at.milliseconds
        let name = id.description
        let epoch = fence?.epoch ?? 0
        let trace = TraceParent.forActions
        try await transaction { connection in
            if let fence {
                // The lease row is locked until this transaction ends, so it cannot change hands
                // between the check and the commit.
                let live = try await connection.query(
                    """
                    SELECT 1 FROM leases WHERE owner = \(fence.owner.key) AND holder = \(fence.holder)
                    AND epoch = \(fence.epoch) AND expires_at > clock_timestamp() FOR UPDATE
                    """, logger: logger
                ).collect()
                guard !live.isEmpty else { throw FencedError(lease: fence) }
            }
            if let stateJSON {
                let written = try await connection.query(
                    """
                    INSERT INTO trains (train, state, version, updated_at, fence)
                    VALUES (\(name), \(stateJSON), 1, \(now), \(epoch))
                    ON CONFLICT (train) DO UPDATE SET state = excluded.state, version = trains.version + 1,
                    updated_at = excluded.updated_at, fence = GREATEST(trains.fence, excluded.fence)
                    WHERE trains.fence <= excluded.fence OR excluded.fence = 0 RETURNING version
                    """, logger: logger
                ).collect()
                if let fence, written.isEmpty { throw FencedError(lease: fence) }
            }
            for action in actionJSON {
                try await connection.query(
                    """
                    INSERT INTO outbox (train, train_id, action, created_at, trace)
                    VALUES (\(name), \(trainJSON), \(action), \(now), \(trace))
                    """, logger: logger)
            }
            for (changes, decision) in decisionJSON {
                try await connection.query(
                    """
                    INSERT INTO decisions (forge, project, target, changes, decision, at)
                    VALUES (\(id.forge), \(id.project), \(id.target), \(changes), \(decision), \(now))
                    """, logger: logger)
            }
            try await Self.apply(timers, on: connection, logger: logger)
            try await Self.finish(finishing, at: at, on: connection, logger: logger)
        }
    }

    public func nextOutbox(owner: Owner?, now: Instant) async throws -> OutboxRow? {
        for _ in 0..<100 {
            // One owner's actions run in order: only its oldest unfinished row can be next.
            let found: [PostgresRow]
            if let owner {
                found = try await rows(
                    """
                    SELECT id, train_id, action, attempts, not_before, trace FROM outbox
                    WHERE train = \(owner.key) AND finished_at IS NULL ORDER BY id LIMIT 1
                    """)
            } else {
                found = try await rows(
                    """
                    SELECT o.id, o.train_id, o.action, o.attempts, o.not_before, o.trace FROM outbox o
                    WHERE o.finished_at IS NULL AND o.not_before <= \(now.milliseconds)
                    AND NOT EXISTS (
                        SELECT 1 FROM outbox p WHERE p.finished_at IS NULL AND p.train = o.train AND p.id < o.id
                    )
                    ORDER BY o.id LIMIT 1
                    """)
            }
            guard let row = found.first else { return nil }
            let (id, trainText, actionText, attempts, notBefore, trace) = try row.decode(
                (Int64, String, String, Int64, Int64, String?).self)
            guard notBefore <= now.milliseconds else { return nil }
            do {
                return OutboxRow(
                    id: id, train: try coder.decode(TrainID.self, from: trainText),
                    action: try coder.decode(TrainAction.self, from: actionText), attempts: Int(attempts),
                    trace: trace)
            } catch {
                try await moveAside(kind: "outbox", reference: "\(id)", payload: actionText, error: error) {
                    connection in
                    try await connection.query(
                        "UPDATE outbox SET finished_at = \(Self.nowMilliseconds()) WHERE id = \(id)",
                        logger: self.logger)
                }
            }
        }
        return nil
    }

    public func finishOutbox(_ id: Int64, at: Instant) async throws {
        try await rows("UPDATE outbox SET finished_at = \(at.milliseconds) WHERE id = \(id)")
    }

    public func retryOutbox(_ id: Int64, error: String, notBefore: Instant) async throws {
        try await rows(
            """
            UPDATE outbox SET attempts = attempts + 1, last_error = \(String(error.prefix(2000))),
            not_before = \(notBefore.milliseconds) WHERE id = \(id)
            """)
    }

    public func recentDeliveries(limit: Int) async throws -> [InboxRecord] {
        try await rows(
            "SELECT id, source, kind, key, received_at, outcome FROM inbox ORDER BY id DESC LIMIT \(Int64(limit))"
        ).map { row in
            let (id, source, kind, key, received, outcome) = try row.decode(
                (Int64, String, String, String, Int64, String?).self)
            return InboxRecord(
                id: id, source: source, kind: kind, key: key, receivedAt: Instant(milliseconds: received),
                outcome: outcome)
        }
    }
}

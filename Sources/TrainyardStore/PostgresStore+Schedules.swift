import PostgresNIO
import TrainyardCore
import TrainyardEngine

/// Pipeline schedules on PostgreSQL.
extension PostgresStore {
    public func schedule(named name: String) async throws -> Schedule? {
        let found = try await rows("SELECT state FROM schedules WHERE name = \(name)")
        // A state this build cannot read (a newer format) starts again from its definition.
        return found.first.flatMap { row in
            (try? row.decode(String.self)).flatMap { try? coder.decode(Schedule.self, from: $0) }
        }
    }

    public func schedules() async throws -> [Schedule] {
        try await rows("SELECT state FROM schedules ORDER BY name").compactMap { row in
            (try? row.decode(String.self)).flatMap { try? coder.decode(Schedule.self, from: $0) }
        }
    }

    public func commit(
        schedule: Schedule, claims: [String], timers: [TimerChange], finishing: Finishing?, at: Instant, fence: Lease?
    ) async throws {
        let state = try coder.encode(schedule)
        let name = schedule.name
        let now = at.milliseconds
        let epoch = fence?.epoch ?? 0
        let logger = logger
        try await transaction { connection in
            try await Self.checkFence(fence, on: connection, logger: logger)
            for claim in claims {
                let inserted = try await connection.query(
                    """
                    INSERT INTO schedule_claims (schedule, claim, claimed_at) VALUES (\(name), \(claim), \(now))
                    ON CONFLICT (schedule, claim) DO NOTHING RETURNING claim
                    """, logger: logger
                ).collect()
                if inserted.isEmpty { throw ClaimTakenError(schedule: name, claim: claim) }
            }
            try await Self.write(
                .schedules, key: name, state: state, at: now, epoch: epoch, fence: fence, on: connection, logger: logger
            )
            try await Self.apply(timers, on: connection, logger: logger)
            try await Self.finish(finishing, at: at, on: connection, logger: logger)
        }
    }

    public func deleteSchedule(
        named name: String, timers: [TimerChange], finishing: Finishing?, at: Instant, fence: Lease?
    ) async throws {
        let logger = logger
        try await transaction { connection in
            try await Self.checkFence(fence, on: connection, logger: logger)
            try await connection.query("DELETE FROM schedules WHERE name = \(name)", logger: logger)
            try await Self.apply(timers, on: connection, logger: logger)
            try await Self.finish(finishing, at: at, on: connection, logger: logger)
        }
    }

    public func claims(schedule name: String) async throws -> [String] {
        try await rows("SELECT claim FROM schedule_claims WHERE schedule = \(name) ORDER BY claimed_at, claim")
            .compactMap { try? $0.decode(String.self) }
    }

    /// Throws ``FencedError`` unless `fence` is still its owner's live lease; the lease row stays
    /// locked until the transaction ends.
    /// Writes one owner's state row; throws ``FencedError`` when a newer fence wrote it.
    static func write(
        _ table: StateTable, key: String, state: String, at now: Int64, epoch: Int64, fence: Lease?,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        var binds = PostgresBindings()
        binds.append(key)
        binds.append(state)
        binds.append(now)
        binds.append(epoch)
        let sql = table.upsert(placeholders: ["$1", "$2", "$3", "$4"], greatest: "GREATEST")
        let written = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).collect()
        if let fence, written.isEmpty { throw FencedError(lease: fence) }
    }

    static func checkFence(_ fence: Lease?, on connection: PostgresConnection, logger: Logger) async throws {
        guard let fence else { return }
        let live = try await connection.query(
            """
            SELECT 1 FROM leases WHERE owner = \(fence.owner.key) AND holder = \(fence.holder)
            AND epoch = \(fence.epoch) AND expires_at > clock_timestamp() FOR UPDATE
            """, logger: logger
        ).collect()
        guard !live.isEmpty else { throw FencedError(lease: fence) }
    }

    static func finish(_ finishing: Finishing?, at: Instant, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        let now = at.milliseconds
        switch finishing {
        case .inbox(let row, let outcome):
            try await connection.query(
                "UPDATE inbox SET finished_at = \(now), outcome = \(outcome) WHERE id = \(row)", logger: logger)
        case .outbox(let row):
            try await connection.query("UPDATE outbox SET finished_at = \(now) WHERE id = \(row)", logger: logger)
        case nil:
            break
        }
    }
}

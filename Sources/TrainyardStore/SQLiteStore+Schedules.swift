import SQLiteNIO
import TrainyardCore
import TrainyardEngine

/// Pipeline schedules on SQLite.
extension SQLiteStore {
    public func schedule(named name: String) async throws -> Schedule? {
        let rows = try await transaction { connection in
            try await connection.query("SELECT state FROM schedules WHERE name = ?", [.text(name)])
        }
        // A state this build cannot read (a newer format) starts again from its definition.
        return rows.first?.column("state")?.string.flatMap { try? coder.decode(Schedule.self, from: $0) }
    }

    public func schedules() async throws -> [Schedule] {
        let rows = try await transaction { connection in
            try await connection.query("SELECT state FROM schedules ORDER BY name", [])
        }
        return rows.compactMap { $0.column("state")?.string.flatMap { try? coder.decode(Schedule.self, from: $0) } }
    }

    public func commit(
        schedule: Schedule, claims: [String], timers: [TimerChange], finishing: Finishing?, at: Instant, fence: Lease?
    ) async throws {
        let state = SQLiteData.text(try coder.encode(schedule))
        let name = SQLiteData.text(schedule.name)
        let now = SQLiteData.integer(Int(at.milliseconds))
        let epoch = SQLiteData.integer(Int(fence?.epoch ?? 0))
        try await transaction { connection in
            try await Self.checkFence(fence, on: connection)
            for claim in claims {
                let inserted = try await connection.query(
                    """
                    INSERT INTO schedule_claims (schedule, claim, claimed_at) VALUES (?, ?, ?)
                    ON CONFLICT (schedule, claim) DO NOTHING RETURNING claim
                    """, [name, .text(claim), now])
                if inserted.isEmpty { throw ClaimTakenError(schedule: schedule.name, claim: claim) }
            }
            try await Self.write(
                .schedules, key: name, state: state, at: now, epoch: epoch, fence: fence, on: connection)
            try await Self.apply(timers, on: connection)
            try await Self.finish(finishing, at: at, on: connection)
        }
    }

    public func deleteSchedule(
        named name: String, timers: [TimerChange], finishing: Finishing?, at: Instant, fence: Lease?
    ) async throws {
        try await transaction { connection in
            try await Self.checkFence(fence, on: connection)
            _ = try await connection.query("DELETE FROM schedules WHERE name = ?", [.text(name)])
            try await Self.apply(timers, on: connection)
            try await Self.finish(finishing, at: at, on: connection)
        }
    }

    public func claims(schedule name: String) async throws -> [String] {
        let rows = try await transaction { connection in
            try await connection.query(
                "SELECT claim FROM schedule_claims WHERE schedule = ? ORDER BY claimed_at, claim", [.text(name)])
        }
        return rows.compactMap { $0.column("claim")?.string }
    }

    /// Writes one owner's state row; throws ``FencedError`` when a newer fence wrote it.
    static func write(
        _ table: StateTable, key: SQLiteData, state: SQLiteData, at now: SQLiteData, epoch: SQLiteData, fence: Lease?,
        on connection: SQLiteConnection
    ) async throws {
        let written = try await connection.query(
            table.upsert(placeholders: ["?", "?", "?", "?"], greatest: "max"), [key, state, now, epoch])
        if let fence, written.isEmpty { throw FencedError(lease: fence) }
    }

    /// Throws ``FencedError`` unless `fence` is still its owner's live lease.
    static func checkFence(_ fence: Lease?, on connection: SQLiteConnection) async throws {
        guard let fence else { return }
        let live = try await connection.query(
            "SELECT 1 FROM leases WHERE owner = ? AND holder = ? AND epoch = ? AND expires_at > ?",
            [
                .text(fence.owner.key), .text(fence.holder), .integer(Int(fence.epoch)),
                .integer(Int(nowMilliseconds())),
            ])
        guard !live.isEmpty else { throw FencedError(lease: fence) }
    }

    static func finish(_ finishing: Finishing?, at: Instant, on connection: SQLiteConnection) async throws {
        switch finishing {
        case .inbox(let row, let outcome): try await finishInbox(row, outcome: outcome, at: at, on: connection)
        case .outbox(let row): try await finishOutbox(row, at: at, on: connection)
        case nil: break
        }
    }
}

import SQLiteNIO
import TrainyardCore
import TrainyardEngine

/// Review apps on SQLite: one row per project.
extension SQLiteStore {
    public func reviewApps(of project: ProjectKey) async throws -> ReviewApps? {
        let rows = try await transaction { connection in
            try await connection.query("SELECT state FROM review_apps WHERE project = ?", [.text(project.description)])
        }
        return rows.first?.column("state")?.string.flatMap { try? coder.decode(ReviewApps.self, from: $0) }
    }

    public func commit(
        reviewApps: ReviewApps, of project: ProjectKey, timers: [TimerChange], finishing: Finishing?, at: Instant,
        fence: Lease?
    ) async throws {
        let state = SQLiteData.text(try coder.encode(reviewApps))
        let key = SQLiteData.text(project.description)
        let now = SQLiteData.integer(Int(at.milliseconds))
        let epoch = SQLiteData.integer(Int(fence?.epoch ?? 0))
        try await transaction { connection in
            try await Self.checkFence(fence, on: connection)
            let written = try await connection.query(
                """
                INSERT INTO review_apps (project, state, updated_at, fence) VALUES (?, ?, ?, ?)
                ON CONFLICT (project) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
                fence = max(fence, excluded.fence)
                WHERE fence <= excluded.fence OR excluded.fence = 0 RETURNING project
                """, [key, state, now, epoch])
            if let fence, written.isEmpty { throw FencedError(lease: fence) }
            try await Self.apply(timers, on: connection)
            try await Self.finish(finishing, at: at, on: connection)
        }
    }
}

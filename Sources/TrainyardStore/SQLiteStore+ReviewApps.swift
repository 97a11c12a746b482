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
            try await Self.write(
                .reviewApps, key: key, state: state, at: now, epoch: epoch, fence: fence, on: connection)
            try await Self.apply(timers, on: connection)
            try await Self.finish(finishing, at: at, on: connection)
        }
    }
}

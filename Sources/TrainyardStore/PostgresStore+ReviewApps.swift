import PostgresNIO
import TrainyardCore
import TrainyardEngine

/// Review apps on PostgreSQL: one row per project.
extension PostgresStore {
    public func reviewApps(of project: ProjectKey) async throws -> ReviewApps? {
        let key = project.description
        let found = try await rows("SELECT state FROM review_apps WHERE project = \(key)")
        return found.first.flatMap { row in
            (try? row.decode(String.self)).flatMap { try? coder.decode(ReviewApps.self, from: $0) }
        }
    }

    public func commit(
        reviewApps: ReviewApps, of project: ProjectKey, timers: [TimerChange], finishing: Finishing?, at: Instant,
        fence: Lease?
    ) async throws {
        let state = try coder.encode(reviewApps)
        let key = project.description
        let now = at.milliseconds
        let epoch = fence?.epoch ?? 0
        let logger = logger
        try await transaction { connection in
            try await Self.checkFence(fence, on: connection, logger: logger)
            try await Self.write(
                .reviewApps, key: key, state: state, at: now, epoch: epoch, fence: fence, on: connection, logger: logger
            )
            try await Self.apply(timers, on: connection, logger: logger)
            try await Self.finish(finishing, at: at, on: connection, logger: logger)
        }
    }
}

import TrainyardCore

/// Keeping what grows small: finished deliveries and actions older than the retention are deleted
/// every hour, a few hundred rows per transaction, and the git mirrors are tidied once a day.
extension TrainEngine {
    /// Rows deleted per table and transaction.
    static let pruneBatch = 500

    /// Deletes the history older than `retentionDays` before `now`, batch by batch; returns how
    /// many rows went. Does nothing without a retention.
    @discardableResult
    public func pruneHistory(now: Instant) async throws -> Int {
        guard let retentionDays else { return 0 }
        let cutoff = now.adding(milliseconds: -Int64(retentionDays) * 86_400_000)
        var total = 0
        while !isStopping {
            let deleted = try await store.pruneHistory(before: cutoff, limit: Self.pruneBatch)
            total += deleted
            if deleted == 0 { break }
            // Let the drivers' transactions in between the batches.
            try? await Task.sleep(for: .milliseconds(20))
        }
        if total > 0 { logger.info("pruned history", metadata: ["rows": "\(total)", "days": "\(retentionDays)"]) }
        return total
    }

    /// Prunes once an hour while the engine runs.
    func pruneHourly() async {
        while !isStopping {
            do {
                try await pruneHistory(now: clock())
            } catch {
                if isStopping { return }
                logger.warning("pruning history failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    /// Tidies every configured project's git mirror, keeping the merge requests that are on one
    /// of its trains (see ``GitPort/maintain(project:keeping:)``). A project that fails is logged
    /// and the others go on. Returns how many refs were dropped.
    @discardableResult
    public func maintainMirrors() async throws -> Int {
        let trains = try await store.trains()
        var dropped = 0
        for project in projects.values.sorted(by: { "\($0.key)" < "\($1.key)" }) where !isStopping {
            let onTrains = trains.filter { $0.id.forge == project.key.forge && $0.id.project == project.key.path }
            let keeping = Set(onTrains.flatMap { $0.queue.map(\.number) })
            do {
                dropped += try await git.maintain(project: project, keeping: keeping)
            } catch {
                if isStopping { break }
                logger.warning(
                    "tidying a git mirror failed", metadata: ["project": "\(project.key)", "error": "\(error)"])
            }
        }
        return dropped
    }

    /// Tidies the mirrors an hour after start, then once a day, while the engine runs.
    func maintainMirrorsDaily() async {
        try? await Task.sleep(for: .seconds(3600))
        while !isStopping {
            do {
                try await maintainMirrors()
            } catch {
                if isStopping { return }
                logger.warning("tidying the git mirrors failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(86_400))
        }
    }
}

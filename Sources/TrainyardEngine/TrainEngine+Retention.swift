import TrainyardCore

/// Keeping the history tables small: finished deliveries and actions older than the retention
/// are deleted every hour, a few hundred rows per transaction.
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
}

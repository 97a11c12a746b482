/// `bors`, bors-ng: one car at a time holding everything waiting (up to `maxParallel` changes,
/// or `batch_size`); a failed batch is bisected, its first half tested first, on the target of
/// the moment. New batches may wait for a batch delay, so that changes approved together share one.
struct BorsPlanner: Planner {
    var kind: PlannerKind { .bors }
    var settingKeys: [String] { ["batch_size", "batch_delay_seconds"] }
    var runsOneCar: Bool { true }
    var batches: Bool { true }

    func plan(for train: Train, held: Int) -> CarPlan {
        if train.cars.contains(where: { [.building, .starting, .testing, .landing].contains($0.status) }) {
            return CarPlan()
        }
        if let failed = train.cars.filter({ $0.status == .failed }).map(\.changes.count).min() {
            return CarPlan(cars: failed > 1 ? [Array(0..<(failed / 2))] : [])
        }
        guard !train.queue.isEmpty, train.batchDelayEnd == nil else { return CarPlan() }
        return CarPlan(cars: [Array(0..<min(train.borsBatchLimit, train.queue.count))])
    }

    func wakeUp(_ train: Train) -> Instant? { train.batchDelayEnd }
}

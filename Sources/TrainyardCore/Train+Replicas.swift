/// Replicas (`adaptive` on flaky CI): while the planner batches and its learnt flake rate is 1 run
/// in 10 or more, it runs each car as several copies at once, each its own car with its own merge
/// commit and pipeline. A bad change fails every copy, so one copy that passes proves the tree: it
/// lands, and the copies still running are cancelled. A failed copy is not a failure while a twin
/// still runs or has passed, so it neither splits a batch nor blames a change.
extension Train {
    /// How many copies of each planned car to run (1 unless `adaptive` batches on flaky CI), at
    /// most the `replicas` planner setting.
    var replicaCount: Int {
        guard settings.planner == .adaptive, keepsPendingFailures else { return 1 }
        return min(settings.plannerSettings.replicas ?? PlannerStats.replicaLimit, (stats ?? PlannerStats()).replicas)
    }

    /// Whether another car holds exactly the same changes and is still running or has passed.
    func hasLiveTwin(_ car: borrowing Car) -> Bool {
        let count = car.changes.count
        let newest = car.newest.number
        let id = car.id
        return cars.contains { other in
            other.id != id && other.changes.count == count && other.newest.number == newest
                && (other.isInFlight || other.status == .passed || other.status == .landing)
                && Car.starts(other.changes, with: car.changes[...])
        }
    }
}

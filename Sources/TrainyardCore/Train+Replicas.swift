/// Replicas (`adaptive` on flaky CI): while the planner batches and its learnt flake rate is 1 run
/// in 10 or more, it runs each car as several copies at once, each its own car with its own merge
/// commit and pipeline. A bad change fails every copy, so one copy that passes proves the tree: it
/// lands, and the copies still running are cancelled. A failed copy is not a failure while a twin
/// still runs or has passed, so it neither splits a batch nor blames a change, even after the
/// number of copies dropped or the planner stopped batching (the twin then runs outside the plan).
extension Train {
    /// How many copies of each planned car to run (1 unless `adaptive` batches on flaky CI), at
    /// most the `replicas` planner setting.
    var replicaCount: Int {
        guard planner.betsOnCopiesAndSuspects, keepsPendingFailures else { return 1 }
        return learntCopies
    }

    /// The copies the learnt flake rate calls for, at most the `replicas` setting, whether or not
    /// the train batches now (the batch size needs it before the mode is known).
    var learntCopies: Int {
        min(settings.plannerSettings.replicas ?? PlannerStats.replicaLimit, (stats ?? PlannerStats()).replicas)
    }

    /// Whether another car holds exactly the same changes and is still running or has passed.
    /// Only `adaptive` makes copies; cars are in order of length, so only the cars of the same
    /// length are compared.
    func hasLiveTwin(_ car: borrowing Car) -> Bool {
        guard planner.betsOnCopiesAndSuspects else { return false }
        let count = car.changes.count
        let newest = car.newest.number
        let id = car.id
        return sameLength(count).contains { k in
            cars[k].id != id && cars[k].newest.number == newest
                && (cars[k].isInFlight || cars[k].status == .passed || cars[k].status == .landing)
                && Car.starts(cars[k].changes, with: car.changes[...])
        }
    }

    /// Whether a failed car holds exactly the same changes as the car at `index` (which then runs
    /// on to decide that failure, whatever the plan wants).
    func hasFailedTwin(_ index: Int) -> Bool {
        guard planner.betsOnCopiesAndSuspects else { return false }
        let count = cars[index].changes.count
        let newest = cars[index].newest.number
        return sameLength(count).contains { k in
            k != index && cars[k].status == .failed && cars[k].newest.number == newest
                && Car.starts(cars[k].changes, with: cars[index].changes[...])
        }
    }

    /// Copies in flight that the plan may not count (`adaptive`): those beyond `copies` per set of
    /// changes (left running when the number of copies dropped or batching ended), and every copy
    /// still running beside a failed one (it runs on whether or not the plan still wants its
    /// changes, for instance after a change with a higher priority went ahead of them). They
    /// share the window like the cars held for a pending failure; while the plan does want them,
    /// they are counted twice, which leaves a slot empty until the twin ends.
    func copiesOutsidePlan(_ copies: Int) -> Int {
        guard planner.betsOnCopiesAndSuspects else { return 0 }
        var outside = 0
        var start = 0
        while start < cars.count {
            var end = start + 1
            while end < cars.count, cars[end].changes.count == cars[start].changes.count { end += 1 }
            if end - start > 1 {
                var groups: [CarKey: (inFlight: Int, failed: Bool)] = [:]
                for k in start..<end {
                    let key = cars[k].key
                    groups[key, default: (0, false)].inFlight += cars[k].isInFlight ? 1 : 0
                    if cars[k].status == .failed { groups[key, default: (0, false)].failed = true }
                }
                for group in groups.values {
                    outside += group.failed ? group.inFlight : max(0, group.inFlight - copies)
                }
            }
            start = end
        }
        return outside
    }

    /// The indices of the cars holding `count` changes (cars are in order of length).
    private func sameLength(_ count: Int) -> Range<Int> {
        var low = 0
        var high = cars.count
        while low < high {
            let middle = (low + high) / 2
            if cars[middle].changes.count < count { low = middle + 1 } else { high = middle }
        }
        var end = low
        while end < cars.count, cars[end].changes.count == count { end += 1 }
        return low..<end
    }
}

/// Pending failures (Trunk's pending failure depth; `adaptive` while it batches): a failed car is
/// not blamed while a longer car that holds it still runs, since that car may prove the change
/// good. The cars holding a pending failure keep running outside the plan.
///
/// These run on every event, so they walk the cars by index (no copies) and the search for the
/// held cars is one pass over the forest of cars rather than a comparison of every pair.
extension Train {
    /// How many longer cars holding a failed car a pending failure waits for (Trunk's pending
    /// failure depth; its docs suggest starting with 2).
    static let pendingFailureDepth = 2

    /// How many failed holders end a pending failure: Trunk's depth, and for `adaptive` one more
    /// than the re-runs its flake budget would allow a single change (flakier trains wait longer),
    /// once it has seen ``failuresBeforeLearntRates`` failures; Trunk's default until then (a
    /// handful of failures can read as a flake share of one half on a train that rarely flakes,
    /// and a deeper wait holds up everything behind a bad change).
    var pendingDepth: Int { planner.pendingDepth(self) }

    /// How many failures (changes removed, flakes proven, failed runs re-run) `adaptive` sees
    /// before its pending failure depth follows the learnt flake share and its batch size the
    /// learnt failure rate (`AdaptivePlanner.batchSize`); until then it uses Trunk's 2 and 5.
    static let failuresBeforeLearntRates = 20

    /// Whether the planner keeps failed cars pending at all.
    var keepsPendingFailures: Bool { planner.keepsPendingFailures(self) }

    /// Whether a failed car waits for longer cars that hold it before it blames: while one of them
    /// still runs and fewer than ``pendingDepth`` of them have failed.
    func isPendingFailure(_ car: Car) -> Bool {
        // A failed copy waits while a twin runs (replicas), even once batching ended.
        if hasLiveTwin(car) { return true }
        guard keepsPendingFailures else { return false }
        let count = car.changes.count
        let holders = cars.indices.filter { index in
            cars[index].changes.count > count && Car.starts(cars[index].changes, with: car.changes[...])
        }
        return isPending(holders)
    }

    /// The running cars that hold a pending failure.
    ///
    /// The cars form a forest under "starts with" (a car's parent is the longest shorter car it
    /// starts with), so the cars holding a failed car are its descendants: one pass up the forest
    /// counts them and one pass down marks the running cars under a pending failure. Comparing
    /// every pair instead cost a cube of the train's length per event on a monorepo train.
    var carsHoldingPendingFailures: [Car] {
        guard keepsPendingFailures, cars.contains(where: { $0.status == .failed }) else { return [] }
        let order = cars.indices.sorted { cars[$0].changes.count < cars[$1].changes.count }
        var position = [Int](repeating: 0, count: cars.count)
        for (place, index) in order.enumerated() { position[index] = place }
        var parent = [Int?](repeating: nil, count: cars.count)
        for (place, index) in order.enumerated() {
            let count = cars[index].changes.count
            // The car it was built on is still a car it starts with: only cars longer than that
            // one (built later) can be a nearer ancestor.
            let floor = parentIndex(of: index).map { position[$0] }
            let candidates = order[(floor ?? 0)..<place].reversed()
            parent[index] = candidates.first { other in
                let length = cars[other].changes.count
                return length < count && length > 0
                    && cars[index].changes[length - 1].number == cars[other].changes[length - 1].number
                    && (other == floor.map { order[$0] }
                        || Car.starts(cars[index].changes, with: cars[other].changes[...]))
            }
        }
        var running = [Int](repeating: 0, count: cars.count)
        var failed = [Int](repeating: 0, count: cars.count)
        for index in order.reversed() {
            guard let up = parent[index] else { continue }
            running[up] += running[index] + (cars[index].isInFlight ? 1 : 0)
            failed[up] += failed[index] + (cars[index].status == .failed ? 1 : 0)
        }
        var underPending = [Bool](repeating: false, count: cars.count)
        for index in order {
            guard let up = parent[index] else { continue }
            let pending = cars[up].status == .failed && running[up] > 0 && failed[up] < pendingDepth
            underPending[index] = underPending[up] || pending
        }
        return cars.indices.filter { underPending[$0] && cars[$0].isInFlight }.map { cars[$0] }
    }

    private func isPending(_ holders: [Int]) -> Bool {
        holders.contains { cars[$0].isInFlight }
            && holders.count { cars[$0].status == .failed } < pendingDepth
    }
}

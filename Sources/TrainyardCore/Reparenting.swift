/// Nearest-non-failing-item reparenting (Zuul's NNFI), over batches of changes.
///
/// Walking the queue in order, each batch ("unit") gets a car holding the batches ahead of it that
/// are not failing plus itself. A unit is failing when a car holding exactly those changes failed:
/// a failing single change is skipped by the cars behind it (they are rebuilt without it at once),
/// and a failing batch is split in halves, each tested on top of what is ahead of it, which is
/// bisection with the halves tested in parallel as prefixes (Mergify's split).
enum Reparenting {
    /// Zuul's default window, floor and AIMD factors.
    static let zuulWindow = 20
    static let zuulFloor = 3
    /// The batch size of the `trunk` and `mergify` planners (Trunk's suggested target batch size),
    /// and the batch `adaptive` grows to while its backlog is short.
    static let vendorBatch = 5
    /// The largest batch `adaptive` chooses (at a failure rate under 1 in 256).
    static let adaptiveBatchLimit = 16

    /// The cars to keep in flight, each as queue indices in order.
    /// - Parameters:
    ///   - held: how many running cars hold a pending failure (they run outside the plan, within
    ///     the same budget).
    ///   - bisection: cars for the parts of failed batches on top of `window` (Trunk's
    ///     `bisectionConcurrency`); with 0 they share the window.
    ///   - copies: how many copies of each car will run (replicas), so the window holds fewer cars.
    ///   - splitting: where to split a failed batch of each size (its first part); halves without.
    static func cars(
        for train: Train, window: Int, unit: Int, held: Int, bisection: Int = 0, copies: Int = 1,
        splitting: GroupTesting? = nil
    ) -> [[Int]] {
        let queue = train.queue
        guard !queue.isEmpty, window > 0 else { return [] }
        // A car run again after a failure is expected to fail again: the cars behind it do not
        // wait for (or bet on) the re-run.
        // When failures are mostly flakes (`adaptive` learns it), the cars behind keep betting on
        // the failed change instead.
        let flaky = train.planner.learnsFromHistory && (train.stats ?? PlannerStats()).flakeShare > 0.5
        // A failed car that a longer passed car extends was a flake: planners that land over
        // failures build on it again.
        let landsOverFailures = train.landsOverFailures
        func isFailing(_ car: Car) -> Bool {
            if !flaky && car.isRerunning { return true }
            return car.status == .failed && !(landsOverFailures && train.knownToPass(car.changes[...]))
                && !train.hasLiveTwin(car)
        }
        let failingFlags = train.cars.map(isFailing)
        let failing = train.cars.indices.filter { failingFlags[$0] }.map { train.cars[$0].changes.map(\.number) }
        let failed = CarKeySet(failing)
        // The existing cars that start with what is included so far, shortest first; the list
        // narrows as more is included, so each car is compared once per batch placed.
        var kept = Extensions(
            train.cars.indices.filter { !failingFlags[$0] }.map { train.cars[$0].changes.map(\.number) })
        var broken = Extensions(failing)
        var included: [Int] = []
        var wanted: [[Int]] = []
        // Pending segments as half-open index ranges, processed front to back.
        var segments: [Range<Int>] = []
        var next = 0
        // Cars being run again keep running outside the plan, within the same budget.
        let room = window - train.cars.count(where: \.isRerunning) - held
        let budget = room > 0 ? max(1, room / max(1, copies)) : room
        var (placed, bisecting) = (0, 0)
        while placed < budget || bisecting < bisection {
            let segment: Range<Int>
            // Whether the car tests a part of a failed batch (bisection), whether the part was
            // just split off or an existing car already holds it.
            var part = !segments.isEmpty
            if part {
                segment = segments.removeFirst()
            } else if next < queue.count {
                // Existing cars that extend what is included by the next changes keep their
                // batches (so a new batch size does not rebuild the train); a failed one marks a
                // batch to split.
                let existing = kept.shortest(after: included.count, matching: queue, from: next)
                let failing = broken.shortest(after: included.count, matching: queue, from: next)
                let length = [existing, failing].compactMap { $0 }.min() ?? unit
                part = failing.map { length < $0 } ?? false
                segment = next..<min(next + length, queue.count)
                next = segment.upperBound
            } else {
                break
            }
            let numbers = (included + Array(segment)).map { queue[$0].number }
            if failed.contains(numbers) {
                guard segment.count > 1 else { continue }  // a failing change: the cars behind skip it
                // Halves, or (capacity groups) the first part of the split that costs the fewest runs.
                let first = splitting.flatMap { segment.count < $0.split.count ? $0.split[segment.count] : nil }
                let middle = segment.lowerBound + (first ?? segment.count / 2)
                segments.insert(contentsOf: [segment.lowerBound..<middle, middle..<segment.upperBound], at: 0)
                continue
            }
            if part && bisecting < bisection {
                bisecting += 1
            } else if placed < budget {
                placed += 1
            } else {
                break
            }
            wanted.append(included + Array(segment))
            kept.narrow(at: included.count, to: numbers[included.count...])
            broken.narrow(at: included.count, to: numbers[included.count...])
            included += segment
        }
        return wanted
    }

    /// Cars (as change numbers) that all start with the changes included so far.
    struct Extensions {
        private var cars: [[Int]]

        init(_ cars: [[Int]]) { self.cars = cars.sorted { $0.count < $1.count } }

        /// The fewest changes by which a car extends the first `count` included changes with the
        /// queue's changes from `next` on, if any car does.
        func shortest(after count: Int, matching queue: [Change], from next: Int) -> Int? {
            for car in cars where car.count > count && next + car.count - count <= queue.count {
                var matches = true
                for offset in 0..<(car.count - count) where car[count + offset] != queue[next + offset].number {
                    matches = false
                    break
                }
                if matches { return car.count - count }
            }
            return nil
        }

        /// Keeps the cars that go on with `added` after the first `count` changes.
        mutating func narrow(at count: Int, to added: ArraySlice<Int>) {
            cars.removeAll { car in
                car.count <= count + added.count - 1
                    || !zip(car[count..<(count + added.count)], added).allSatisfy { $0 == $1 }
            }
        }
    }

    /// How many batches deep a car is still worth building: the car behind `depth` batches is
    /// needed only if all of them pass, and below SubmitQueue's threshold of 1 in 100 it is not
    /// built (with 500 runners, a prefix train 500 batches deep mostly tests trees that never land).
    static func usefulDepth(unit: Int, failureRate: Double) -> Int {
        var batchPasses = 1.0
        for _ in 0..<unit { batchPasses *= 1 - failureRate }
        guard batchPasses < 1 else { return Int.max }
        var depth = 1
        var need = batchPasses
        while need >= SpeculationTree.threshold && depth < 10_000 {
            depth += 1
            need *= batchPasses
        }
        return depth
    }
}

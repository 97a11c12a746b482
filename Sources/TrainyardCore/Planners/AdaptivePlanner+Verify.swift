/// Verify, then land: while failures are common and the runners cannot afford a car and a probe
/// for every change (the learnt spare runs per change under ``verifyBelow``), `adaptive` stops
/// speculating. Every queued change is tested alone on the target first (its probe), and one car
/// at a time lands the queue from the front with every change whose probe passed, leaving out the
/// changes whose probe failed (suspects, landed around). A suspect with only suspects ahead of it
/// gets a car of its own, which lands it (its probe met a flake) or blames it. A change costs about
/// one run (its probe) plus its share of a landing car, against nearly two when it speculates; it
/// takes two pipelines in a row instead of one. The simulator's S4 (8 runners of 210 minutes, 1.5
/// changes an hour, 1 in 6.7 bad) keeps up this way on every seed, and did not by speculating.
extension AdaptivePlanner {
    /// The spare runs per change below which the train verifies first: change by change with
    /// probes spends 1.5 to 1.9 runs per change in the simulator where it keeps up (1.5 at 500
    /// runners for 250 changes a pipeline, 1.9 where it does not, on 8 runners for 5.25).
    static let verifyBelow = 1.75

    /// Whether the train verifies first (see above): the rates are learnt, the train would test
    /// change by change with probes, and its runners are short of a car and a probe per change.
    static func verifiesFirst(_ train: Train, unit: Int, stats: PlannerStats) -> Bool {
        guard unit == 1, train.probesAllowed, stats.failuresSeen >= Train.failuresBeforeLearntRates,
            let spare = spareRuns(for: train, stats: stats)
        else { return false }
        return spare < verifyBelow
    }

    /// The cars and probes of the verify-then-land mode.
    static func verifyPlan(for train: Train) -> CarPlan {
        let queue = train.queue
        let verdicts = train.probeVerdicts
        let probed = train.probedChanges
        let probing = Set((train.probes ?? []).filter(\.isInFlight).map(\.newest.number))
        // Whether a change is still being verified: no answer yet, and a probe to come or running.
        func unproven(_ number: Int) -> Bool {
            verdicts[number] == nil && (!probed.contains(number) || probing.contains(number))
        }
        var plan = CarPlan()
        // The cars in flight that the plan keeps use the window first; new cars, then probes, share
        // what is left of it.
        var room = train.settings.maxParallel - train.probesInFlight
        func add(_ car: [Int], running: Bool) {
            guard running || room > 0 else { return }
            plan.cars.append(car)
            room -= 1
        }
        // The changes whose probe failed, with only such changes ahead of them, each get a car of
        // their own, all at once: each lands (around the others) or is blamed. A landing moves the
        // target and so drops every other car: a suspect's car starts only while no landing car
        // runs (it then ends before the next landing), and one that runs is kept until it ends.
        let inFlight = Set(train.cars.indices.filter { train.cars[$0].isInFlight }.map { train.cars[$0].key })
        var front: [Int] = []
        var suspects: [Int] = []
        for index in queue.indices where verdicts[queue[index].number] == false {
            if front.count == index { front.append(index) }
            suspects.append(index)
        }
        let running = runningLandingCar(of: train, suspects: Set(suspects))
        for index in suspects where inFlight.contains(CarKey([queue[index].number])) { add([index], running: true) }
        if let running { add(running, running: true) }
        for index in front where running == nil && !inFlight.contains(CarKey([queue[index].number])) {
            add([index], running: false)
        }
        // The landing car: from the front, every change whose probe passed (or ended without an
        // answer), leaving out those whose probe failed, up to the first change still unproven. It
        // waits for a batch while changes are still being verified; a failed one is tried again
        // without its newest change (which the blame rule then judges).
        var landing: [Int] = []
        for index in queue.indices {
            let number = queue[index].number
            if verdicts[number] == false { continue }
            if unproven(number) { break }
            landing.append(index)
        }
        let verifying = queue.contains { unproven($0.number) }
        if running == nil, !landing.isEmpty, landing.count >= landingBatch(for: train) || !verifying {
            let failed = failedKeys(of: train)
            while landing.count > 1 && failed.contains(CarKey(landing.map { queue[$0].number })) {
                landing.removeLast()
            }
            add(landing, running: false)
        }
        // Probes for every change without one, front first, in the room left.
        plan.probes = Array(queue.indices.filter { !probed.contains(queue[$0].number) }.prefix(max(0, room)))
        return plan
    }

    /// How many verified changes a landing car waits for while more are being verified: half of
    /// those that arrive while a pipeline runs, so that the landing cars cost a change about one
    /// run in that many (every change verified so far goes in at once when nothing else is queued).
    static func landingBatch(for train: Train) -> Int {
        let perPipeline = (train.stats ?? PlannerStats()).arrivalsPerPipeline ?? 2
        return max(1, Int((perPipeline / 2).rounded(.up)))
    }

    /// The queue indices of the longest car in flight that still holds changes in queue order and
    /// is not the car of one of the `suspects` (queue indices).
    private static func runningLandingCar(of train: Train, suspects: Set<Int>) -> [Int]? {
        var position: [Int: Int] = [:]
        for (index, change) in train.queue.enumerated() { position[change.number] = index }
        var best: [Int]?
        for k in train.cars.indices where train.cars[k].isInFlight {
            let indices = train.cars[k].changes.compactMap { position[$0.number] }
            guard indices.count == train.cars[k].changes.count, indices.count > 1 || !suspects.contains(indices[0])
            else { continue }
            if indices.count > best?.count ?? 0 { best = indices }
        }
        return best
    }

    /// The keys of the failed cars.
    private static func failedKeys(of train: Train) -> Set<CarKey> {
        Set(train.cars.indices.filter { train.cars[$0].status == .failed }.map { train.cars[$0].key })
    }
}

/// Planning: every car tests the target head plus an ordered subset of the queue (a prefix for
/// every planner but the reparenting ones). The planner chooses the cars; these rules are the same
/// for all planners:
/// - landing: a passed car whose changes are exactly the first changes of the queue lands all of
///   them (the longest such car; planners that do not land over failures also need no failed
///   shorter prefix car);
/// - blame: a failed car `S + [x]`, where `S` is everything queued ahead of `x`, blames `x` once
///   `S` is known to pass (a passed car starts with `S`, or `S` is empty) and no passed car
///   shows `S + [x]` passing; the prefix planners ask for the car one shorter and every shorter
///   car to have passed, and `gitlab` blames at once.
extension Train {
    /// Runs after every event: land what can land, blame what must be blamed, bring the cars in
    /// line with the queue, and post the statuses that changed.
    mutating func advance(_ actions: inout [TrainAction]) {
        // Cancelling a car the planner no longer wants can settle a blame that waited for it, so
        // the steps repeat until nothing changes (applying an event twice then changes nothing).
        var settled = false
        var passes = 0
        // Whether the last pass neither dropped nor started a car or probe: only then is the plan
        // known to be a fixed point (cars just started count as running in the next plan).
        var unchanged = false
        while !settled && passes < 3 {
            passes += 1
            var progressed = true
            while progressed {
                progressed = false
                realign(&actions)
                if blameFailedCar(&actions) { progressed = true }
            }
            startLanding(&actions)
            let before = (nextCar, cars.count, probes?.count ?? 0)
            settled = !fillWindow(&actions)
            unchanged = settled && before == (nextCar, cars.count, probes?.count ?? 0)
        }
        settledPlan.value = unchanged ? SettledPlan(settings: settings, budget: sharedBudget) : nil
        reportPositions(&actions)
    }

    /// Drops every car that is not a prefix of the queue (an ordered subset, for the reparenting
    /// planners) on the current target head.
    mutating func realign(_ actions: inout [TrainAction]) {
        guard let head = targetHead else { return }
        guard planner.usesSubsets else {
            let flags = queuePrefixFlags()
            let valid = cars.indices.filter { cars[$0].base == head && flags[$0] }.map { cars[$0] }
            guard valid.count < cars.count else { return }
            for car in cars where !valid.contains(where: { $0.id == car.id }) { drop(car, &actions) }
            cars = valid
            return
        }
        var position: [Int: Int] = [:]
        position.reserveCapacity(queue.count)
        for (index, change) in queue.enumerated() { position[change.number] = index }
        // Cars are in order of length and usually extend their parent or the car before them:
        // then only the changes after that car's need looking up (where it ends in the queue is
        // remembered).
        var previous: (car: Int, end: Int)?
        var ends = [Int?](repeating: nil, count: cars.count)
        var kept = 0
        for k in cars.indices where cars[k].base == head {
            var last = -1
            var from = 0
            if let p = parentIndex(of: k), let end = ends[p] {
                last = end
                from = cars[p].changes.count
            } else if let previous, Car.starts(cars[k].changes, with: cars[previous.car].changes[...]) {
                last = previous.end
                from = cars[previous.car].changes.count
            }
            var fits = true
            for offset in from..<cars[k].changes.count {
                let change = cars[k].changes[offset]
                guard let index = position[change.number], index > last, queue[index].head == change.head else {
                    fits = false
                    break
                }
                last = index
            }
            guard fits else { continue }
            kept += 1
            previous = (k, last)
            ends[k] = last
        }
        // Only the cars that no longer fit are copied out and dropped.
        guard kept < cars.count else { return }
        for k in cars.indices where ends[k] == nil { drop(cars[k], &actions) }
        cars = cars.indices.filter { ends[$0] != nil }.map { cars[$0] }
    }

    /// Cancels a car's pipeline and deletes its branch.
    func drop(_ car: Car, _ actions: inout [TrainAction]) {
        if let pipeline = car.pipeline, car.status == .testing {
            actions.append(.cancelPipeline(car: car.id, pipeline: pipeline))
        }
        actions.append(.deleteRef(car: car.id, ref: ref(for: car.id)))
    }

    static func sameChanges(_ lhs: [Change], _ rhs: ArraySlice<Change>) -> Bool {
        lhs.count == rhs.count && Car.starts(lhs, with: rhs)
    }

    /// Whether a car that passed (or is landing) starts with exactly these changes.
    func knownToPass(_ changes: ArraySlice<Change>) -> Bool {
        changes.isEmpty
            || cars.indices.contains { index in
                (cars[index].status == .passed || cars[index].status == .landing)
                    && Car.starts(cars[index].changes, with: changes)
            }
    }

    /// Blames the newest change of a failed car when the facts say it broke the build (see the
    /// rules above). Returns whether a change was removed or a car was run again.
    mutating func blameFailedCar(_ actions: inout [TrainAction]) -> Bool {
        // By index: most cars have not failed, and a loop over the cars would copy each one.
        guard cars.indices.contains(where: { cars[$0].status == .failed }) else { return false }
        let landing = landingIndex
        let prefixes = queuePrefixFlags()
        // With probes, a failed car that leaves out only failing changes blames like a prefix car
        // (the failing changes are only looked for when a failed car is not a prefix).
        var failing: Set<Int>?
        for k in cars.indices where cars[k].status == .failed {
            if !prefixes[k] {
                if failing == nil {
                    failing = probesAllowed ? failingChanges(heldBack: heldBackByBets) : []
                }
                guard let failing, !failing.isEmpty, holdsQueue(cars[k], skipping: failing) else { continue }
            }
            let car = cars[k]
            // A car that the landing car starts with is superseded: its changes land. So is one whose
            // newest change the landing car holds (it may land around a suspect the failed car held).
            if let landing,
                (cars[landing].changes.count >= car.changes.count
                    && Self.sameChanges(car.changes, cars[landing].changes[..<car.changes.count]))
                    || isLanding(car.newest.number)
            {
                continue
            }
            let ahead = car.changes.dropLast()
            let aheadPassed: Bool
            if planner.usesSubsets || landsOverFailures {
                // A longer passed car proves the change good; the planners that land over
                // failures land it instead of blaming.
                aheadPassed =
                    knownToPass(ahead) && !(landsOverFailures && knownToPass(car.changes[...]))
            } else {
                let shorter = cars[..<k]
                aheadPassed =
                    shorter.allSatisfy { $0.status == .passed || $0.status == .landing }
                    && (ahead.isEmpty || shorter.contains { $0.changes.count == ahead.count })
            }
            guard aheadPassed || !planner.waitsForPredecessors else { continue }
            if aheadPassed, isPendingFailure(car) {
                // Pending failure (Trunk; `adaptive` while it batches): a longer
                // car that holds the failed one is still running and may prove the change good.
                continue
            }
            if aheadPassed, isProbing(car.newest.number) {
                // The change's probe still runs: its answer decides between a re-run (it passed
                // alone, so this was most likely a flake) and the blame.
                continue
            }
            if planner.learnsFromHistory, aheadPassed, let pipeline = car.pipeline {
                // The flake budget: the failure may be a flake, so the car runs again first. With
                // batches, pending failures already gave the change one more chance.
                let seen = suspicions?[car.newest.number] ?? 0
                // With probes, a change that passed alone (its probe) and failed in a car most
                // likely met a flake: its car runs again once; without a probe's answer, once only
                // when the learnt rates make a single failure more likely a flake than not (the
                // flake share would mix the two kinds of failure).
                let verdict = probeVerdicts[car.newest.number]
                let likelyFlake = verdict == nil && (stats ?? PlannerStats()).goodDespiteOneFailedRun >= 0.5
                let probed = probesAllowed ? (verdict == true || likelyFlake ? 1 : 0) : nil
                let budget = keepsPendingFailures ? 0 : probed ?? (stats ?? PlannerStats()).rerunsBeforeBlame
                if seen < budget {
                    // A re-run is a car in flight again: it waits for room in a shared CI budget.
                    guard budgetRoom > 0 else { continue }
                    suspicions = (suspicions ?? [:]).filter { number, _ in queue.contains { $0.number == number } }
                    suspicions?[car.newest.number] = seen + 1
                    stats = stats ?? PlannerStats()
                    stats?.retried += 1
                    retry(k, retiring: pipeline, allowed: true, failure: car.failure ?? "", &actions)
                    return true
                }
            }
            blame(car, aheadPassed: aheadPassed, &actions)
            return true
        }
        return false
    }

    /// Removes the newest change of a failed car with a reason that says what was tested.
    mutating func blame(_ car: Car, aheadPassed: Bool, _ actions: inout [TrainAction]) {
        let blamed = car.newest
        let others = car.changes.dropLast().map(\.reference)
        let context: String
        if others.isEmpty {
            context = "with \(blamed.reference) alone on `\(id.target)` at \(car.base.short)"
        } else if aheadPassed {
            context =
                "with \(Car.list(others)) ahead of it on `\(id.target)`, and the car without \(blamed.reference) passed"
        } else {
            context =
                "with \(Car.list(others)) ahead of it on `\(id.target)`; the `gitlab` planner removes the newest "
                + "change of a failed car at once, before the cars ahead of it finished"
        }
        stats = stats ?? PlannerStats()
        stats?.blamed += 1
        planner.blamed(&self)
        remove(
            blamed.number, state: .failed,
            reason: "Removed from the merge train: \(car.failure ?? "the pipeline failed") in car \(car.id) "
                + "\(context). Fix the failure and comment `\(settings.mergeCommand)` again.",
            &actions)
    }

    /// Lands the longest passed car that holds the first changes of the queue (with no failed
    /// shorter prefix car, unless the planner lands over failures); one landing at a time.
    mutating func startLanding(_ actions: inout [TrainAction]) {
        guard landingIndex == nil, !fetchingTarget, pause == nil, let head = targetHead else { return }
        var candidate: Int?
        let prefixes = queuePrefixFlags()
        // A change that running cars leave out does not land before they end (`Train+Suspects.swift`).
        let heldBack = planner.betsOnCopiesAndSuspects ? heldBackByBets : [:]
        let limit = heldBack.values.min() ?? queue.count
        for k in cars.indices where prefixes[k] {
            if cars[k].status == .failed && !landsOverFailures { break }
            if cars[k].changes.count > limit { break }
            if cars[k].status == .passed, candidate.map({ cars[$0].changes.count < cars[k].changes.count }) ?? true {
                candidate = k
            }
        }
        if planner.betsOnCopiesAndSuspects, let around = passedCarSkippingFailingChanges(heldBack: heldBack),
            candidate.map({ cars[$0].changes.count < cars[around].changes.count }) ?? true
        {
            // A longer car around suspects lands more than the queue's prefix can.
            candidate = around
        }
        guard let k = candidate, let commit = cars[k].commit else { return }
        cars[k].status = .landing
        actions.append(.land(car: cars[k].id, commit: commit, expected: head))
    }

    /// Starts cars the planner wants and no car holds yet; the planners that cancel unwanted cars
    /// drop the running ones they no longer want. Returns whether it dropped any.
    @discardableResult
    mutating func fillWindow(_ actions: inout [TrainAction]) -> Bool {
        wakeAt = planner.wakeUp(self)
        dropStaleProbes(&actions)
        guard let head = targetHead, !fetchingTarget, pause == nil, !queue.isEmpty else { return false }
        var dropped = false
        let holding = carsHoldingPendingFailures
        let plan = planner.plan(for: self, held: holding.count)
        let wanted = plan.cars
        let queue = self.queue
        let wantedKeys =
            plan.keys.count == wanted.count
            ? plan.keys : wanted.map { indices in CarKey(indices.lazy.map { queue[$0].number }) }
        if planner.cancelsUnwanted {
            let held = Set(holding.map(\.id))
            let wantedSet = Set(wantedKeys)
            // A copy whose twin failed runs on to decide that failure (replicas).
            let unwanted = Set(
                cars.indices.filter { k in
                    cars[k].isInFlight && !cars[k].isRerunning && !held.contains(cars[k].id)
                        && !wantedSet.contains(cars[k].key) && !hasFailedTwin(k)
                }
                .map { cars[$0].id })
            for k in cars.indices where unwanted.contains(cars[k].id) { drop(cars[k], &actions) }
            cars.removeAll { unwanted.contains($0.id) }
            dropped = !unwanted.isEmpty
        }
        var have = Set<CarKey>(minimumCapacity: cars.count)
        for k in cars.indices { have.insert(cars[k].key) }
        var room = budgetRoom
        if let probes, probes.contains(where: \.isInFlight) {
            // Probes left running (from `adaptive`'s speculation mode, when the plan changed since)
            // keep their slots in the window until they end.
            room = min(room, settings.maxParallel - cars.indices.count { cars[$0].isInFlight } - probesInFlight)
        }
        for (indices, key) in zip(wanted, wantedKeys) where !indices.isEmpty {
            guard !have.contains(key) else { continue }
            guard room > 0 else { break }
            room -= 1
            have.insert(key)
            addCar(indices.map { queue[$0] }, on: head, &actions)
        }
        for index in plan.probes where room > 0 {
            room -= 1
            startProbe(index, on: head, &actions)
        }
        let copies = replicaCount
        // Replicas: further copies of the wanted cars, front first, once every wanted car has one,
        // within the window as well as the budget.
        room = min(room, settings.maxParallel - cars.indices.count { cars[$0].isInFlight } - probesInFlight)
        guard copies > 1, room > 0 else { return dropped }
        // Every copy counts, running or failed; a set with a passed copy needs no more.
        var copiesOf: [[Int]: Int] = [:]
        for car in cars {
            let passed = car.status == .passed || car.status == .landing
            copiesOf[car.changes.map(\.number), default: 0] += passed ? copies : 1
        }
        for indices in wanted where !indices.isEmpty {
            let numbers = indices.map { queue[$0].number }
            while copiesOf[numbers, default: 0] < copies && room > 0 {
                room -= 1
                copiesOf[numbers, default: 0] += 1
                addCar(indices.map { queue[$0] }, on: head, &actions)
            }
        }
        return dropped
    }

    /// Builds a new car holding `changes` on `head`, in order of length.
    private mutating func addCar(_ changes: [Change], on head: SHA, _ actions: inout [TrainAction]) {
        let id = CarID(nextCar)
        nextCar += 1
        var car = Car(id: id, base: head, changes: changes)
        car.builtAt = now
        car.parent = longestCar(extendedBy: changes)
        cars.insert(car, at: cars.firstIndex { $0.changes.count > changes.count } ?? cars.count)
        actions.append(.buildCar(car: id, ref: ref(for: id), base: head, changes: changes))
    }
}

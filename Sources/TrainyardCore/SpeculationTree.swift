/// Probability-weighted speculation (Uber's SubmitQueue): every possible car is a bet on which of
/// the changes ahead of a change will pass, and it is worth building in proportion to the
/// probability that the bet is right. The most likely bet for each change is its primary car
/// (the changes ahead that will probably pass, plus itself); a skip-variant flips one bet (it
/// leaves out a change ahead that may fail, or takes in a failing one that may have flaked). The
/// cars with the highest probability of being needed are kept in flight, within the budget.
enum SpeculationTree {
    /// How far down the queue skip-variants are considered (primaries go as deep as the budget).
    static let variantDepth = 24
    /// Cars less likely to be needed than this are not built.
    static let threshold = 0.01
    /// The probability that a change passes once a probe or a car holding it passed (not 1: a
    /// change can pass alone and fail with others).
    static let verifiedGood = 0.99

    /// A car the tree may want: the first `prefix` changes of the primary car it grew (the
    /// changes ahead it bets pass) plus the change at `last`, a skip-variant's own indices, or a
    /// probe of the change at `last`. Primaries share the one growing list instead of each
    /// holding a copy.
    private struct Candidate {
        enum Shape {
            case primary(prefix: Int, last: Int)
            case variant([Int])
            case probe(Int)
        }
        var need: Double
        var order: Int
        var shape: Shape
        var key: CarKey
    }

    /// The cars to keep in flight, most likely needed first, each as queue indices in order.
    /// - Parameter good: the probability that a change that has not failed passes on its own.
    /// - Parameter suspectGood: the probability that a change whose car failed passes after all.
    /// - Parameter variantThreshold: skip-variants less likely to be needed than this are not built.
    static func cars(
        for train: Train, budget: Int, good: Double, suspectGood: Double, variantThreshold: Double = 0.01
    ) -> [[Int]] {
        plan(for: train, budget: budget, good: good, suspectGood: suspectGood, variantThreshold: variantThreshold).cars
    }

    /// The cars and probes to keep in flight (see `Train+Probes.swift`). With probes allowed, a
    /// change's probability of passing also comes from what is known of it alone: a passed probe
    /// or a passed car holding it makes it `verifiedGood`, a failed probe makes it as likely good
    /// as a good change's failing run is among all failing runs (from the learnt rates). A change
    /// with no probe yet gets one ranked by the probability that its own primary car is
    /// confounded by a change ahead that fails.
    static func plan(
        for train: Train, budget: Int, good: Double, suspectGood: Double, variantThreshold: Double = 0.01
    ) -> CarPlan {
        let queue = train.queue
        guard !queue.isEmpty, budget > 0 else { return CarPlan() }
        let probing = train.probesAllowed
        let verdicts = probing ? train.probeVerdicts : [:]
        let probed = probing ? train.probedChanges : []
        let heldBack = probing ? train.heldBackByBets : [:]
        let verified = probing ? passedChanges(of: train) : []
        let cars = train.cars
        // By index throughout: a loop over the cars would copy each one.
        let suspects = Set(
            cars.indices.lazy.filter { cars[$0].status == .failed || cars[$0].isRerunning }.map {
                cars[$0].newest.number
            })
        let probeSuspectGood = (train.stats ?? PlannerStats()).goodDespiteOneFailedRun
        // Cars already holding results, or being run again, cost nothing more: they are skipped.
        let settled = Set(
            cars.indices.lazy.filter { k in
                let status = cars[k].status
                return status == .passed || status == .failed || status == .landing || cars[k].isRerunning
            }
            .map { cars[$0].key })
        let inFlight = Set(
            cars.indices.lazy.filter { cars[$0].isInFlight && !cars[$0].isRerunning }.map { cars[$0].key })
        let depth = min(queue.count, max(budget * 2, variantDepth))
        let probability = (0..<depth).map { index -> Double in
            let number = queue[index].number
            // A suspect proven good while cars that leave it out run stays a suspect until they end.
            if heldBack[number] != nil { return probeSuspectGood }
            // A change that passed alone and failed in a car most likely met a flake.
            if suspects.contains(number) { return verdicts[number] == true ? good : suspectGood }
            if verified.contains(number) || verdicts[number] == true { return verifiedGood }
            return verdicts[number] == false ? probeSuspectGood : good
        }
        var candidates: [Candidate] = []
        var primaryNeed = 1.0
        var included: [Int] = []
        var includedKey = CarKey()
        // Whether the primary car holds a change that is not known good (only then is a probe of
        // the next change worth its run).
        var unknownAhead = false
        var suspectsLeftOut = 0
        func consider(_ need: Double, _ key: CarKey, _ shape: Candidate.Shape) {
            guard need >= threshold, !settled.contains(key) else { return }
            // A car already running is kept unless something twice as likely needs its slot.
            let weight = inFlight.contains(key) ? need * 2 : need
            candidates.append(Candidate(need: weight, order: candidates.count, shape: shape, key: key))
        }
        for i in 0..<depth {
            let primary = includedKey.appending(queue[i].number)
            // A car whose next change is verified is only needed if the longer car fails: it ranks
            // by that chance (a running one is kept). Past the threshold, only probes are planned.
            var need = primaryNeed
            if need >= threshold, probability[i] >= 0.5, i + 1 < depth, probability[i + 1] == verifiedGood,
                !inFlight.contains(primary)
            {
                need *= 1 - verifiedGood
            }
            if need >= threshold { consider(need, primary, .primary(prefix: included.count, last: i)) }
            if i < variantDepth {
                for j in 0..<i {
                    let likely = max(probability[j], 1 - probability[j])
                    let flipped = primaryNeed / likely * (1 - likely)
                    guard flipped >= variantThreshold else { continue }
                    var variant = included.filter { $0 != j }
                    if variant.count == included.count {
                        variant.append(j)
                        variant.sort()
                    }
                    variant.append(i)
                    consider(flipped, CarKey(variant.lazy.map { queue[$0].number }), .variant(variant))
                }
            }
            if probing, unknownAhead, probability[i] == good, !probed.contains(queue[i].number),
                1 - primaryNeed >= threshold
            {
                candidates.append(
                    Candidate(need: 1 - primaryNeed, order: candidates.count, shape: .probe(i), key: CarKey()))
            }
            if probability[i] >= 0.5 {
                included.append(i)
                includedKey = primary
                if probability[i] != verifiedGood { unknownAhead = true }
            }
            // A car that leaves a suspect out lands around it whatever the suspect turns out to be
            // (it is tested again on the new target), so with probes the bet costs nothing.
            if probability[i] >= 0.5 || !probing || suspectsLeftOut < 2 {
                primaryNeed *= max(probability[i], 1 - probability[i])
            }
            if probability[i] < 0.5 { suspectsLeftOut += 1 }
            if primaryNeed < threshold && !probing { break }
        }
        candidates.sort { $0.need != $1.need ? $0.need > $1.need : $0.order < $1.order }
        var plan = CarPlan()
        for candidate in candidates.prefix(budget) {
            switch candidate.shape {
            case .primary(let prefix, let last):
                plan.cars.append(included[..<prefix] + [last])
                plan.keys.append(candidate.key)
            case .variant(let indices):
                plan.cars.append(indices)
                plan.keys.append(candidate.key)
            case .probe(let index): plan.probes.append(index)
            }
        }
        return plan
    }

    /// The changes held by passed (or landing) cars. A car whose parent passed too adds only the
    /// changes after its parent's: passed cars nest, and hundreds of them hold hundreds of
    /// changes each on a monorepo train.
    private static func passedChanges(of train: Train) -> Set<Int> {
        let cars = train.cars
        func passed(_ k: Int) -> Bool { cars[k].status == .passed || cars[k].status == .landing }
        var numbers: Set<Int> = []
        for k in cars.indices where passed(k) {
            let from = train.parentIndex(of: k).map { passed($0) ? cars[$0].changes.count : 0 } ?? 0
            for offset in from..<cars[k].changes.count { numbers.insert(cars[k].changes[offset].number) }
        }
        return numbers
    }
}

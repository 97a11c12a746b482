/// The policy a train follows to choose its cars and whom to blame.
///
/// Every planner works on the same model (see `docs/planners.md`): a car is the target head plus
/// an ordered subset of the queue; facts about passed and failed cars decide what lands and whom
/// to blame. Planners differ in which cars they keep in flight, whether they cancel cars they no
/// longer want, whether a passed car may land over a failed shorter one, and when they blame.
public enum PlannerKind: String, Hashable, Codable, Sendable, CaseIterable {
    /// Trainyard's own (the default): while failures are rare, speculative batches of about 1/√p
    /// with prefix-parallel bisection and pending failures whose depth follows the learnt flake
    /// share; while they are common, probability-weighted speculation with probes (each change
    /// also tested alone) and re-runs before blame. Both land any passed tested prefix.
    case adaptive
    /// Prefix speculation within `maxParallel` cars; a failed car blames its newest change only
    /// once every car ahead of it has passed (no premature ejection).
    case prefix
    /// One car at a time, holding one change (homu/bors without batching).
    case serial
    /// GitLab merge trains: prefix speculation, and a failed car's newest change is removed at
    /// once even while a car ahead is still running; every car behind restarts
    /// (gitlab-org/gitlab#500693).
    case gitlab
    /// Zuul's dependent pipeline: prefix speculation with nearest-non-failing-item reparenting
    /// (cars behind a failing change are rebuilt without it at once) and the AIMD window
    /// (20, floor 3, +1 per merge, halved per failure).
    case zuul
    /// bors-ng: one car at a time holding everything waiting (up to `maxParallel` changes); a
    /// failed batch is bisected, its first half tested first, on the target of the moment.
    case bors
    /// GitHub merge queue, ALLGREEN: one build per queued change over the changes ahead of it,
    /// build concurrency `maxParallel` (5 by default); a failed entry is removed.
    case github
    /// GitHub merge queue, HEADGREEN: as `github`, but a failed entry merges when a later entry
    /// of the group passed (its tree contains the failed entry and was tested).
    case githubHeadgreen = "github-headgreen"
    /// Uber's SubmitQueue: probability-weighted speculation. Each change gets the car that bets
    /// on the most likely outcome of the changes ahead of it, plus skip-variants that bet one of
    /// them fails, ranked by the probability they are needed (from the train's failure rate);
    /// the `maxParallel` most likely are kept in flight and the others cancelled.
    case submitqueue
    /// Trunk Merge Queue with batching: batches of 5 tested as speculative prefixes within
    /// `maxParallel` cars, a failed batch split and tested again, pending failures (a failed car
    /// is not blamed while a longer car holding it runs) and optimistic merging (a passed longer
    /// car lands over a failed shorter one).
    case trunk
    /// Mergify's merge queue with batches and parallel checks: batches of 5 tested as speculative
    /// prefixes within `maxParallel` cars; a failed batch is split into parts tested at once, each
    /// on top of the parts before it.
    case mergify

    /// Whether cars may skip queued changes (reparenting); otherwise every car is a queue prefix.
    public var usesSubsets: Bool { [.zuul, .adaptive, .submitqueue, .trunk, .mergify].contains(self) }

    /// Whether a passed car may land although a shorter car failed (its tested tree is green).
    public var landsOverFailures: Bool { [.githubHeadgreen, .adaptive, .trunk].contains(self) }

    /// Whether cars the planner no longer wants are cancelled (Zuul resets the items behind a
    /// failure); the others keep every valid car running.
    public var cancelsUnwanted: Bool { usesSubsets }

    /// Whether the planner keeps one car in flight at a time (`serial`, `bors`).
    public var runsOneCar: Bool { self == .serial || self == .bors }

    /// How many cars a train could use now, for sharing a CI budget between trains: one for the
    /// planners that run one car at a time, else a car per queued change (times the copies of each
    /// car `adaptive` runs on flaky CI) up to `maxParallel`.
    public func carsWanted(_ train: Train) -> Int {
        guard !train.queue.isEmpty else { return 0 }
        return runsOneCar ? 1 : min(train.settings.maxParallel, train.queue.count * train.replicaCount)
    }

    /// What a train has and wants, for sharing a CI budget between trains.
    public func demand(of train: Train) -> CIBudget.Demand {
        let inFlight = train.cars.indices.count { train.cars[$0].isInFlight } + train.probesInFlight
        return CIBudget.Demand(
            inFlight: inFlight, wants: max(inFlight, carsWanted(train)),
            waitingSince: train.queue.lazy.map(\.enqueuedAt.milliseconds).min() ?? Int64.max)
    }

    /// Whether a failed car waits for every car ahead of it to pass before blaming.
    public var waitsForPredecessors: Bool { self != .gitlab }

    /// The cars the planner wants in flight, most wanted first, each as queue indices in order.
    /// Cars that already exist with the same changes are kept, the others are built.
    /// - Parameter held: how many running cars hold a pending failure and run outside the plan.
    func cars(for train: Train, held: Int) -> [[Int]] { plan(for: train, held: held).cars }

    /// The cars and probes the planner wants in flight, most wanted first. Only `adaptive`, while
    /// it speculates change by change, asks for probes.
    func plan(for train: Train, held: Int) -> CarPlan {
        self == .adaptive
            ? adaptivePlan(for: train, held: held) : CarPlan(cars: batchesOrPrefixes(for: train, held: held))
    }

    /// `adaptive`: batches while failures are rare; otherwise one change per car with probes, or
    /// with skip-variants for the changes most likely to fail when probes are off (below a failure
    /// rate of 1 in 20 they cost more CI than the time they save).
    private func adaptivePlan(for train: Train, held: Int) -> CarPlan {
        let unit = Reparenting.batchSize(for: train)
        let stats = train.stats ?? PlannerStats()
        let copies = train.replicaCount
        let outside = train.copiesOutsidePlan(copies)
        guard unit == 1 else {
            // Probes still running from the speculation mode limit only the new cars (`fillWindow`):
            // a smaller plan here would cancel running batches.
            let depth = Reparenting.usefulDepth(unit: unit, failureRate: stats.failureRate)
            return CarPlan(
                cars: Reparenting.cars(
                    for: train, window: min(train.settings.maxParallel, depth), unit: unit,
                    held: held + outside, copies: copies))
        }
        // With probes, a failed car's change is judged by the learnt rates alone (the flake share
        // mixes the flakes of changes that passed alone, which are nearly all flakes, with single
        // failures, 4 in 5 of which are real at 1 bad change in 10).
        let suspectGood =
            train.probesAllowed
            ? stats.goodDespiteOneFailedRun : stats.flakeShare > 0.5 ? stats.flakeShare : min(0.45, stats.flakeShare)
        // Probes in flight run to the end, within the same window.
        return SpeculationTree.plan(
            for: train,
            budget: train.settings.maxParallel - train.cars.indices.count { train.cars[$0].isRerunning } - outside
                - train.probesInFlight,
            good: 1 - stats.failureRate,
            suspectGood: suspectGood, variantThreshold: stats.failureRate >= 0.05 && !train.probesAllowed ? 0.01 : 1)
    }

    /// The cars of every planner but `adaptive`'s own plan (see ``cars(for:held:)``).
    private func batchesOrPrefixes(for train: Train, held: Int) -> [[Int]] {
        let window = train.settings.maxParallel
        let queued = train.queue.count
        switch self {
        case .prefix, .gitlab, .github, .githubHeadgreen:
            return (0..<min(window, queued)).map { Array(0...$0) }
        case .serial:
            return queued > 0 ? [[0]] : []
        case .bors:
            if train.cars.contains(where: { [.building, .starting, .testing, .landing].contains($0.status) }) {
                return []
            }
            if let failed = train.cars.filter({ $0.status == .failed }).map(\.changes.count).min() {
                return failed > 1 ? [Array(0..<(failed / 2))] : []
            }
            guard queued > 0, train.batchDelayEnd == nil else { return [] }
            return [Array(0..<min(train.borsBatchLimit, queued))]
        case .zuul:
            return Reparenting.cars(
                for: train, window: min(window, train.zuulWindow), unit: 1, held: held)
        case .trunk:
            return Reparenting.cars(
                for: train, window: window, unit: train.vendorBatch, held: held, bisection: train.bisectionConcurrency)
        case .mergify:
            return Reparenting.cars(for: train, window: window, unit: train.vendorBatch, held: held)
        case .submitqueue:
            let stats = train.stats ?? PlannerStats()
            return SpeculationTree.cars(
                for: train, budget: window - train.cars.indices.count { train.cars[$0].isRerunning },
                good: 1 - stats.failureRate,
                suspectGood: 0.05)
        case .adaptive:
            return adaptivePlan(for: train, held: held).cars
        }
    }
}

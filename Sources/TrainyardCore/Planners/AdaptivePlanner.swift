/// `adaptive`, Trainyard's own (the default): while failures are rare, speculative batches of
/// about 1/√p with prefix-parallel bisection and pending failures whose depth follows the learnt
/// flake share; while they are common, probability-weighted speculation with probes (each change
/// also tested alone) and re-runs before blame. Both land any passed tested prefix. Every choice
/// reads only what the train learnt (`PlannerStats`) and its settings.
struct AdaptivePlanner: Planner {
    var kind: PlannerKind { .adaptive }
    var settingKeys: [String] { ["batch_size", "replicas", "probes"] }
    var usesSubsets: Bool { true }
    var batches: Bool { true }
    var learnsFromHistory: Bool { true }
    var betsOnCopiesAndSuspects: Bool { true }

    func landsOverFailures(_ tuning: PlannerSettings) -> Bool { true }

    func probes(_ tuning: PlannerSettings) -> Bool { tuning.probes ?? true }

    /// Pending failures while it batches. Capacity groups only ever enlarge batches, so the batch
    /// size the failure rate calls for decides this without working out the group table (this is
    /// asked several times per event).
    func keepsPendingFailures(_ train: Train) -> Bool { Self.batches(train) }

    /// Trunk's 2 until the rates are learnt, then one more than the re-runs the learnt flake share
    /// calls for.
    func pendingDepth(_ train: Train) -> Int {
        let stats = train.stats ?? PlannerStats()
        guard stats.failuresSeen >= Train.failuresBeforeLearntRates else { return Train.pendingFailureDepth }
        return stats.rerunsBeforeBlame + 1
    }

    /// Batches while failures are rare; otherwise one change per car with probes, or with
    /// skip-variants for the changes most likely to fail when probes are off (below a failure
    /// rate of 1 in 20 they cost more CI than the time they save).
    func plan(for train: Train, held: Int) -> CarPlan {
        let (unit, splitting) = Self.sizing(for: train)
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
                    held: held + outside, copies: copies, splitting: splitting))
        }
        if Self.verifiesFirst(train, unit: unit, stats: stats) { return Self.verifyPlan(for: train) }
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
}

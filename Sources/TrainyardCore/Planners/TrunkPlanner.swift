/// `trunk`, Trunk Merge Queue with batching: batches of 5 tested as speculative prefixes within
/// `maxParallel` cars, a failed batch split and tested again, pending failures (a failed car is
/// not blamed while a longer car holding it runs) and optimistic merging (a passed longer car
/// lands over a failed shorter one).
struct TrunkPlanner: Planner {
    var kind: PlannerKind { .trunk }
    var settingKeys: [String] {
        ["batch_size", "pending_failure_depth", "optimistic_landing", "bisection_concurrency"]
    }
    var usesSubsets: Bool { true }
    var batches: Bool { true }

    func plan(for train: Train, held: Int) -> CarPlan {
        CarPlan(
            cars: Reparenting.cars(
                for: train, window: train.settings.maxParallel, unit: train.vendorBatch, held: held,
                bisection: train.bisectionConcurrency))
    }

    func landsOverFailures(_ tuning: PlannerSettings) -> Bool { tuning.optimisticLanding ?? true }

    func keepsPendingFailures(_ train: Train) -> Bool { true }

    func bisectionCars(_ tuning: PlannerSettings) -> Int { tuning.bisectionConcurrency ?? 0 }
}

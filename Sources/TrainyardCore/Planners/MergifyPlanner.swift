/// `mergify`, Mergify's merge queue with batches and parallel checks: batches of 5 tested as
/// speculative prefixes within `maxParallel` cars; a failed batch is split into parts tested at
/// once, each on top of the parts before it.
struct MergifyPlanner: Planner {
    var kind: PlannerKind { .mergify }
    var settingKeys: [String] { ["batch_size"] }
    var usesSubsets: Bool { true }
    var batches: Bool { true }

    func plan(for train: Train, held: Int) -> CarPlan {
        CarPlan(
            cars: Reparenting.cars(for: train, window: train.settings.maxParallel, unit: train.vendorBatch, held: held))
    }
}

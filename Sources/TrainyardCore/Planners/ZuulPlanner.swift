/// `zuul`, Zuul's dependent pipeline: prefix speculation with nearest-non-failing-item
/// reparenting (cars behind a failing change are rebuilt without it at once) and the AIMD window
/// (20, floor 3, +1 per merge, halved per failure).
struct ZuulPlanner: Planner {
    var kind: PlannerKind { .zuul }
    var settingKeys: [String] { ["window", "window_floor"] }
    var usesSubsets: Bool { true }

    func plan(for train: Train, held: Int) -> CarPlan {
        CarPlan(
            cars: Reparenting.cars(
                for: train, window: min(train.settings.maxParallel, train.zuulWindow), unit: 1, held: held))
    }

    func blamed(_ train: inout Train) { train.window = max(train.zuulFloor, train.zuulWindow / 2) }

    func landed(_ count: Int, _ train: inout Train) { train.window = train.zuulWindow + count }
}

/// `prefix`: prefix speculation within `maxParallel` cars; a failed car blames its newest change
/// only once every car ahead of it has passed (no premature ejection).
struct PrefixPlanner: Planner {
    var kind: PlannerKind { .prefix }

    func plan(for train: Train, held: Int) -> CarPlan { CarPlan(cars: prefixCars(for: train)) }
}

/// `gitlab`, GitLab merge trains: prefix speculation, and a failed car's newest change is removed
/// at once even while a car ahead is still running; every car behind restarts
/// (gitlab-org/gitlab#500693).
struct GitLabPlanner: Planner {
    var kind: PlannerKind { .gitlab }
    var waitsForPredecessors: Bool { false }

    func plan(for train: Train, held: Int) -> CarPlan { CarPlan(cars: prefixCars(for: train)) }
}

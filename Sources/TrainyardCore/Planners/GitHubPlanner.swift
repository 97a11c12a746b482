/// `github`, GitHub's merge queue with ALLGREEN: one build per queued change over the changes
/// ahead of it, build concurrency `maxParallel` (5 by default); a failed entry is removed.
/// `github-headgreen` (HEADGREEN): a failed entry merges when a later entry of the group passed
/// (its tree contains the failed entry and was tested).
struct GitHubPlanner: Planner {
    /// Whether a passed later entry lands over a failed earlier one (HEADGREEN).
    var headGreen: Bool

    var kind: PlannerKind { headGreen ? .githubHeadgreen : .github }

    func plan(for train: Train, held: Int) -> CarPlan { CarPlan(cars: prefixCars(for: train)) }

    func landsOverFailures(_ tuning: PlannerSettings) -> Bool { headGreen }
}

/// Capacity-aware group testing: when the runners cannot carry the runs `adaptive` would spend on
/// each change, it tests changes in groups sized to the spare capacity and splits a failed group
/// where the splitting costs the fewest runs (`GroupTesting`), landing the passed parts at once.
/// The choice reads only learnt figures: the failure rate, and the arrivals per pipeline (the
/// arrival rate times the learnt pipeline time, runner waits included) against the runner budget.
extension AdaptivePlanner {
    /// How many changes must have landed or been removed before the failure rate sizes groups
    /// (the rate carries a prior of 1 in 20 until then).
    static let decisionsBeforeCapacityGroups = 20

    /// How many times the runs a group needs by the table the runners must have to spare before
    /// the group is worth it (the speculative cars behind a failed group are spent for nothing).
    static let groupMargin = 2.0

    /// The runs the runners can spend on each arriving change: the runner budget over the changes
    /// that arrive while one pipeline runs (learnt); `nil` until that is learnt.
    static func spareRuns(for train: Train, stats: PlannerStats) -> Double? {
        guard let perPipeline = stats.arrivalsPerPipeline, perPipeline > 0 else { return nil }
        return Double(train.settings.maxParallel) / perPipeline
    }

    /// The group size when the runners cannot carry `unit` (the batch size the failure rate calls
    /// for; 1 for one change per car), with the splitting table for it; `nil` when they can: the
    /// smallest group whose expected runs per change, times ``groupMargin``, fit in the spare runs,
    /// or the cheapest group when none does.
    static func capacityGroup(for train: Train, stats: PlannerStats, unit: Int) -> (size: Int, table: GroupTesting)? {
        guard unit > 1, stats.landed + stats.blamed >= decisionsBeforeCapacityGroups, train.learntCopies == 1,
            let spare = spareRuns(for: train, stats: stats),
            spare < groupMargin  // no group needs more than a run per change
        else { return nil }
        let limit = train.adaptiveBatchLimit
        let table = GroupTesting(failureRate: stats.failureRate, limit: max(limit, Reparenting.adaptiveBatchLimit))
        let needed = table.runsPerChange(unit) * groupMargin
        guard spare < needed else { return nil }
        let group = table.smallestGroup(within: spare / groupMargin, upTo: limit)
        return group > 1 ? (max(group, unit), table) : nil
    }
}

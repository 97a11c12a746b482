/// How `adaptive` sizes its batches from what the train learnt: one change per car while
/// failures are common or the runners can afford it, otherwise batches of about 1/√p.
extension AdaptivePlanner {
    /// How many changes a train must have removed before `adaptive` leaves batches for one change
    /// per car: at the prior, a single removal early on (in a burst) already reads as 1 in 10.
    static let failuresBeforeSpeculating = 3

    /// Whether `adaptive` speculates change by change although failures are rarer than 1 in 12:
    /// from 1 in 25, when the window holds two runs (a car and a probe) for every change that
    /// arrives while a pipeline runs, and CI is not so flaky that batches run as copies (once the
    /// rates are learnt: 20 failures seen). At 1 change in 20 bad on 20 runners, batches of 5 fail
    /// one time in four and each failure costs the batches behind a round: 188 min p95 in the
    /// simulator against 42 min change by change (which costs 46 CI minutes per merge, not 30). On
    /// flaky CI, copies of batches do better than single changes with probes (the simulator's S5:
    /// 127 against 143 min).
    static func speculationIsAffordable(for train: Train, stats: PlannerStats) -> Bool {
        guard train.probesAllowed, stats.failuresSeen >= Train.failuresBeforeLearntRates,
            stats.blamed >= failuresBeforeSpeculating, stats.failureRate >= 0.04, stats.replicas == 1,
            let perPipeline = stats.arrivalsPerPipeline
        else { return false }
        return Double(train.settings.maxParallel) >= 2 * perPipeline
    }

    /// The batch size of the `adaptive` planner: one change per car while failures are common
    /// (1 in 12 or more, once ``failuresBeforeSpeculating`` changes were removed: a failed batch
    /// then costs more than it saves); otherwise about 1/√p (the best batch for a failure rate p,
    /// estimated from the train's own history), at most 5 until the backlog passes ten times the
    /// budget, then growing with it up to 1/√p and 16; and one change per car, with probes, when
    /// the backlog is longer than the batches worth building on a wide window can hold, or when
    /// the runners can afford it (``speculationIsAffordable(for:stats:)``).
    /// When the runners cannot carry that, groups sized to the spare capacity
    /// (``capacityGroup(for:stats:unit:)``).
    static func batchSize(for train: Train) -> Int { sizing(for: train).unit }

    /// The batch size, and the splitting table while the train tests in capacity groups.
    static func sizing(for train: Train) -> (unit: Int, splitting: GroupTesting?) {
        let stats = train.stats ?? PlannerStats()
        let unit = rateBatchSize(for: train, stats: stats)
        guard let group = capacityGroup(for: train, stats: stats, unit: unit) else { return (unit, nil) }
        return (group.size, group.table)
    }

    /// Whether the train tests in batches (``batchSize(for:)`` above 1): capacity groups start
    /// only from a batch and never shrink it, so the failure rate's batch size decides.
    static func batches(_ train: Train) -> Bool { rateBatchSize(for: train, stats: train.stats ?? PlannerStats()) > 1 }

    /// The batch size the failure rate and the backlog call for (see ``batchSize(for:)``).
    private static func rateBatchSize(for train: Train, stats: PlannerStats) -> Int {
        let budget = max(1, train.settings.maxParallel)
        let backlog = train.queue.count
        // Until the train has seen a few failures, the learnt rate is mostly its prior (1 in 20):
        // batches of Trunk's size (one early removal would read as 1 in 17, batches of 4).
        let learnt = stats.failuresSeen >= Train.failuresBeforeLearntRates
        let best = learnt ? Int((1 / stats.failureRate.squareRoot()).rounded()) : Reparenting.vendorBatch
        let limit = max(1, min(train.adaptiveBatchLimit, best))
        guard stats.failureRate < 0.08 || stats.blamed < failuresBeforeSpeculating else { return 1 }
        if speculationIsAffordable(for: train, stats: stats) { return 1 }
        // Batches big enough for the whole queue to be in flight at once (one car kept for a part
        // of a failed batch, and copies on flaky CI), up to 5: the changes left out of the window
        // would wait a whole round.
        let slots = max(1, budget / train.learntCopies - 1)
        let cover = min(train.adaptiveBatchLimit, Reparenting.vendorBatch, (backlog + slots - 1) / slots)
        let unit = max(
            min(limit, Reparenting.vendorBatch), cover, min(limit, (backlog + 2 * budget - 1) / (2 * budget)))
        // A backlog longer than the batches worth building can hold, on a window at least twice as
        // wide as they are deep: batches would leave most runners idle while the queue grows, and
        // one change per car with probes puts them to use (500 changes an hour on 500 runners).
        if train.probesAllowed {
            let depth = Reparenting.usefulDepth(unit: unit, failureRate: stats.failureRate)
            if depth < budget / 2 && backlog > depth * unit { return 1 }
        }
        return unit
    }
}

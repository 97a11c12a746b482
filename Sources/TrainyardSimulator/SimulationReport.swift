/// The figures of one simulated run (one scenario, one planner or oracle, one seed), or their
/// mean over seeds. Times are minutes; JSON keys are the snake_case names of `trainyard simulate`.
public struct Metrics: Hashable, Codable, Sendable {
    /// Whether the queue stayed bounded (a run stopped early because its queue kept growing is not).
    public var stable: Bool
    public var merged: Int
    public var rejected: Int
    public var mergedPerHour: Double
    /// Time to merge (enqueue to landed) of good changes.
    public var ttmMean: Double
    public var ttmP50: Double
    public var ttmP95: Double
    public var ttmP99: Double
    public var ttmMax: Double
    /// Time to reject (enqueue to removed) of bad changes.
    public var rejectMean: Double
    public var rejectP50: Double
    /// Pipeline minutes per merged change, cancelled runs counted up to their cancel.
    public var ciMinutesPerMerge: Double
    /// Pipelines started per merged change.
    public var runsPerMerge: Double
    /// Share of pipeline minutes whose result was never used (cancelled, or its car was gone).
    public var wastedFraction: Double
    /// Good changes removed from the train.
    public var falseRejections: Int
    /// Good changes removed, as a share of good changes resolved.
    public var falseRejectionRate: Double
    /// Bad changes that landed.
    public var escapedBad: Int
    public var maxQueue: Int
    public var meanQueue: Double
    /// Simulated minutes from the start until the last change was merged or removed (the drain
    /// time of a burst).
    public var drainMinutes: Double
    /// `ttmP50` and `ttmP95` divided by those of oracle O1 with flake re-runs (0 when unknown).
    public var p50VsO1: Double
    public var p95VsO1: Double
    /// The ETA a good change was told when it was queued against its actual time to merge
    /// (minutes): the median and 90th percentile of the absolute error, the median of the signed
    /// error (positive: it landed later than told), and how many changes were told one; `nil`
    /// for the oracles, which tell none.
    public var etaErrorP50: Double?
    public var etaErrorP90: Double?
    public var etaBiasP50: Double?
    public var etaPredictions: Int?

    public init() {
        stable = true
        merged = 0
        rejected = 0
        mergedPerHour = 0
        ttmMean = 0
        ttmP50 = 0
        ttmP95 = 0
        ttmP99 = 0
        ttmMax = 0
        rejectMean = 0
        rejectP50 = 0
        ciMinutesPerMerge = 0
        runsPerMerge = 0
        wastedFraction = 0
        falseRejections = 0
        escapedBad = 0
        falseRejectionRate = 0
        maxQueue = 0
        meanQueue = 0
        drainMinutes = 0
        p50VsO1 = 0
        p95VsO1 = 0
    }

    enum CodingKeys: String, CodingKey {
        case stable, merged, rejected
        case mergedPerHour = "merged_per_hour"
        case ttmMean = "ttm_mean_min"
        case ttmP50 = "ttm_p50_min"
        case ttmP95 = "ttm_p95_min"
        case ttmP99 = "ttm_p99_min"
        case ttmMax = "ttm_max_min"
        case rejectMean = "reject_mean_min"
        case rejectP50 = "reject_p50_min"
        case ciMinutesPerMerge = "ci_minutes_per_merge"
        case runsPerMerge = "runs_per_merge"
        case wastedFraction = "wasted_fraction"
        case falseRejections = "false_rejections"
        case escapedBad = "escaped_bad"
        case falseRejectionRate = "false_rejection_rate"
        case maxQueue = "max_queue"
        case meanQueue = "mean_queue"
        case drainMinutes = "drain_min"
        case p50VsO1 = "p50_vs_o1"
        case p95VsO1 = "p95_vs_o1"
        case etaErrorP50 = "eta_abs_error_p50_min"
        case etaErrorP90 = "eta_abs_error_p90_min"
        case etaBiasP50 = "eta_signed_error_p50_min"
        case etaPredictions = "eta_predictions"
    }
}

/// A point of the queue-length trace: simulated hour and changes waiting.
public struct QueuePoint: Hashable, Codable, Sendable {
    public var hour: Double
    public var length: Int
    public init(hour: Double, length: Int) {
        self.hour = hour
        self.length = length
    }
}

/// One planner (or oracle) in one scenario: the mean over seeds plus what the plots need.
public struct PlannerResult: Hashable, Codable, Sendable {
    public var planner: String
    /// The mean over seeds (`stable` only if every seed was stable).
    public var mean: Metrics
    /// Each seed's figures, for the spread.
    public var seeds: [Metrics]
    /// Times to merge (minutes) of the first seed's good changes, at most 2,000 of them, sorted.
    public var ttmSample: [Double]
    /// The first seed's queue length over time, at most 500 points.
    public var queueTrace: [QueuePoint]

    public init(planner: String, mean: Metrics, seeds: [Metrics], ttmSample: [Double], queueTrace: [QueuePoint]) {
        self.planner = planner
        self.mean = mean
        self.seeds = seeds
        self.ttmSample = ttmSample
        self.queueTrace = queueTrace
    }

    /// The smallest and largest value of a metric over the seeds.
    public func spread(_ metric: (Metrics) -> Double) -> (low: Double, high: Double) {
        let values = seeds.map(metric)
        return (values.min() ?? 0, values.max() ?? 0)
    }
}

/// One scenario's oracles and planner results.
public struct ScenarioResult: Hashable, Codable, Sendable {
    public var id: String
    public var name: String
    /// A one-line description of the workload (`λ=10/h D=30m p=0.02 f=0.01 K=8`).
    public var workload: String
    public var hours: Double
    public var seedCount: Int
    /// Keyed `O1`, `O1_reruns`, `O2`, `OB`.
    public var oracle: [String: PlannerResult]
    public var results: [PlannerResult]
    /// The figures that vary when the scenario is one variant of a sweep (`nil` otherwise).
    public var swept: [ScenarioSweep.Value]?

    public init(
        id: String, name: String, workload: String, hours: Double, seedCount: Int,
        oracle: [String: PlannerResult], results: [PlannerResult], swept: [ScenarioSweep.Value]? = nil
    ) {
        self.swept = swept
        self.id = id
        self.name = name
        self.workload = workload
        self.hours = hours
        self.seedCount = seedCount
        self.oracle = oracle
        self.results = results
    }
}

extension ScenarioResult {
    /// The oracle (`O1_reruns`) or planner result of that name, if the scenario has one.
    public func result(named name: String) -> PlannerResult? {
        oracle[name] ?? results.first { $0.planner == name }
    }

    /// For a variant of a sweep, the id of the scenario it was made from (`S4` for
    /// `S4@capacity=12`, whatever that id itself holds); `nil` for a scenario that is no variant.
    public var sweepBase: String? {
        let suffix = ScenarioSweep.suffix(swept)
        guard !suffix.isEmpty, id.hasSuffix(suffix) else { return nil }
        return String(id.dropLast(suffix.count))
    }
}

/// Everything `trainyard simulate` measured.
public struct SimulationReport: Hashable, Codable, Sendable {
    public var scenarios: [ScenarioResult]
    public init(scenarios: [ScenarioResult]) { self.scenarios = scenarios }
}

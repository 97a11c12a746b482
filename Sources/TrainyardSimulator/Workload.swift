/// What a simulated train is asked to carry: arrivals, CI and how often changes and runs fail
/// (the common model of `strategies-and-benchmarks.md` §1 and §4).
public struct Workload: Hashable, Codable, Sendable {
    /// Changes per hour entering the queue (Poisson), on average over a day.
    public var arrivalsPerHour: Double
    /// Changes queued together at time 0 (a burst of synchronized landers).
    public var initialBurst: Int
    /// When positive, `initialBurst` changes arrive together again every this many hours (a
    /// release cut, a freeze lifted), on top of the Poisson arrivals.
    public var burstEveryHours: Double
    /// When positive, arrivals only come during an 8-hour working day out of 24 and are this many
    /// times denser at the day's peak (midday) than at its edges.
    public var diurnalPeak: Double
    /// Mean pipeline duration in minutes.
    public var pipelineMinutes: Double
    /// Coefficient of variation of the (log-normal) pipeline duration; 0 = fixed.
    public var durationCV: Double
    /// Probability that a change is truly bad (fails every run that contains it).
    public var badProbability: Double
    /// Probability that a run of good changes fails anyway (a flake).
    public var flakeProbability: Double
    /// Concurrent pipelines the CI can run for the train; more wait for a runner.
    public var capacity: Int
    /// Probability that a change breaks only together with one of the ten changes queued before it.
    public var conflictProbability: Double
    /// Control-plane delay between a pipeline finishing and the train hearing of it, in seconds.
    public var reactionSeconds: Double

    public init(
        arrivalsPerHour: Double, initialBurst: Int = 0, burstEveryHours: Double = 0, diurnalPeak: Double = 0,
        pipelineMinutes: Double,
        durationCV: Double = 0, badProbability: Double, flakeProbability: Double, capacity: Int,
        conflictProbability: Double = 0, reactionSeconds: Double = 0
    ) {
        self.arrivalsPerHour = arrivalsPerHour
        self.initialBurst = initialBurst
        self.burstEveryHours = burstEveryHours
        self.diurnalPeak = diurnalPeak
        self.pipelineMinutes = pipelineMinutes
        self.durationCV = durationCV
        self.badProbability = badProbability
        self.flakeProbability = flakeProbability
        self.capacity = capacity
        self.conflictProbability = conflictProbability
        self.reactionSeconds = reactionSeconds
    }

    enum CodingKeys: String, CodingKey {
        case arrivalsPerHour = "arrivals_per_hour"
        case initialBurst = "initial_burst"
        case burstEveryHours = "burst_every_hours"
        case diurnalPeak = "diurnal_peak"
        case pipelineMinutes = "pipeline_minutes"
        case durationCV = "duration_cv"
        case badProbability = "bad_probability"
        case flakeProbability = "flake_probability"
        case capacity
        case conflictProbability = "conflict_probability"
        case reactionSeconds = "reaction_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            arrivalsPerHour: try c.decode(Double.self, forKey: .arrivalsPerHour),
            initialBurst: try c.decodeIfPresent(Int.self, forKey: .initialBurst) ?? 0,
            burstEveryHours: try c.decodeIfPresent(Double.self, forKey: .burstEveryHours) ?? 0,
            diurnalPeak: try c.decodeIfPresent(Double.self, forKey: .diurnalPeak) ?? 0,
            pipelineMinutes: try c.decode(Double.self, forKey: .pipelineMinutes),
            durationCV: try c.decodeIfPresent(Double.self, forKey: .durationCV) ?? 0,
            badProbability: try c.decode(Double.self, forKey: .badProbability),
            flakeProbability: try c.decodeIfPresent(Double.self, forKey: .flakeProbability) ?? 0,
            capacity: try c.decode(Int.self, forKey: .capacity),
            conflictProbability: try c.decodeIfPresent(Double.self, forKey: .conflictProbability) ?? 0,
            reactionSeconds: try c.decodeIfPresent(Double.self, forKey: .reactionSeconds) ?? 0)
    }

    /// Everything that makes a workload impossible to simulate, in words; empty when it is fine.
    public var problems: [String] {
        var found: [String] = []
        if !(arrivalsPerHour >= 0) || arrivalsPerHour > 100_000 {
            found.append("arrivals_per_hour must be between 0 and 100000 (got \(arrivalsPerHour))")
        }
        if initialBurst < 0 || initialBurst > 100_000 { found.append("initial_burst must be between 0 and 100000") }
        if arrivalsPerHour == 0 && initialBurst == 0 {
            found.append("no changes arrive: set arrivals_per_hour or initial_burst")
        }
        if !(pipelineMinutes > 0) || pipelineMinutes > 10_000 { found.append("pipeline_minutes must be in (0, 10000]") }
        if !(durationCV >= 0) || durationCV > 5 { found.append("duration_cv must be between 0 and 5") }
        for (name, value) in [
            ("bad_probability", badProbability), ("flake_probability", flakeProbability),
            ("conflict_probability", conflictProbability),
        ] where !(value >= 0 && value < 1) {
            found.append("\(name) must be at least 0 and below 1 (got \(value))")
        }
        if capacity < 1 || capacity > 10_000 { found.append("capacity must be between 1 and 10000 (got \(capacity))") }
        if !(burstEveryHours >= 0) || (burstEveryHours > 0 && burstEveryHours < 0.1) {
            found.append("burst_every_hours must be 0 (one burst at the start) or at least 0.1")
        }
        if !(diurnalPeak >= 0) || diurnalPeak > 100 { found.append("diurnal_peak must be between 0 and 100") }
        if !(reactionSeconds >= 0) || reactionSeconds > 86_400 {
            found.append("reaction_seconds must be in [0, 86400]")
        }
        return found
    }

    /// A one-line description for tables: `λ=10/h D=30m p=0.02 f=0.01 K=8`.
    public var summary: String {
        var parts = ["λ=\(Self.trim(arrivalsPerHour))/h"]
        if initialBurst > 0 {
            parts.append("burst=\(initialBurst)" + (burstEveryHours > 0 ? "/\(Self.trim(burstEveryHours))h" : ""))
        }
        if diurnalPeak > 0 { parts.append("diurnal×\(Self.trim(diurnalPeak))") }
        parts.append("D=\(Self.trim(pipelineMinutes))m" + (durationCV > 0 ? "±\(Self.trim(durationCV * 100))%" : ""))
        parts.append("p=\(Self.trim(badProbability))")
        parts.append("f=\(Self.trim(flakeProbability))")
        parts.append("K=\(capacity)")
        if conflictProbability > 0 { parts.append("q=\(Self.trim(conflictProbability))") }
        if reactionSeconds > 0 { parts.append("δ=\(Self.trim(reactionSeconds))s") }
        return parts.joined(separator: " ")
    }

    /// `10` for 10.0, `0.05` for 0.05 (and no trap for a value beyond `Int`).
    static func trim(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// The settings of a train's planner, from the project's `planner_settings` (see
/// `docs/configuration.md`). A `nil` setting takes the planner's documented default, so a train
/// stored before a setting existed keeps its behaviour.
public struct PlannerSettings: Hashable, Codable, Sendable {
    /// Changes per batch: `trunk` and `mergify` (5), the largest batch `bors` builds (the train's
    /// `maxParallel` by default) and the largest batch `adaptive` may choose (16).
    public var batchSize: Int?
    /// `trunk`: how many failed longer cars end a pending failure (2).
    public var pendingFailureDepth: Int?
    /// `trunk`: cars for bisecting failed batches on top of `maxParallel` (Trunk's
    /// `bisectionConcurrency`; 0 by default: bisection shares the main concurrency).
    public var bisectionConcurrency: Int?
    /// `trunk`: whether a passed longer car lands over a failed shorter one (optimistic merging;
    /// on by default).
    public var optimisticLanding: Bool?
    /// `zuul`: the AIMD window a train starts with (20).
    public var window: Int?
    /// `zuul`: the least the AIMD window shrinks to (3).
    public var windowFloor: Int?
    /// `bors`: milliseconds a new batch waits after the newest change joined the queue, so that
    /// changes approved together go in one batch (bors-ng's `batch_delay_sec`; 0 by default).
    public var batchDelay: Int64?
    /// `adaptive`: the most copies of each car it runs at once on flaky CI (4; 1 turns replicas
    /// off).
    public var replicas: Int?
    /// `adaptive`: whether it tests queued changes alone for information while it speculates change
    /// by change (probes; on by default).
    public var probes: Bool?

    public init(
        batchSize: Int? = nil, pendingFailureDepth: Int? = nil, optimisticLanding: Bool? = nil, window: Int? = nil,
        windowFloor: Int? = nil, batchDelay: Int64? = nil, bisectionConcurrency: Int? = nil, replicas: Int? = nil,
        probes: Bool? = nil
    ) {
        self.probes = probes
        self.replicas = replicas
        self.bisectionConcurrency = bisectionConcurrency
        self.batchSize = batchSize
        self.pendingFailureDepth = pendingFailureDepth
        self.optimisticLanding = optimisticLanding
        self.window = window
        self.windowFloor = windowFloor
        self.batchDelay = batchDelay
    }

    /// The settings each planner reads, by their configuration names.
    public static func keys(for planner: PlannerKind) -> [String] { planner.planner.settingKeys }

    /// Sets one setting from its configuration name and its text (`batch_size`, `"8"`) for
    /// `planner`. Returns what is wrong with it, or `nil` when it was set.
    public mutating func set(_ key: String, to text: String, for planner: PlannerKind) -> String? {
        let known = Self.keys(for: planner)
        guard known.contains(key) else {
            let offered = known.isEmpty ? "it has no settings" : "its settings are \(known.joined(separator: ", "))"
            return "is not a setting of the `\(planner.rawValue)` planner; \(offered) (see docs/configuration.md)"
        }
        if key == "optimistic_landing" || key == "probes" {
            guard let flag = Bool(text.lowercased()) else { return "expected true or false" }
            if key == "probes" { probes = flag } else { optimisticLanding = flag }
            return nil
        }
        let range: ClosedRange<Int>
        switch key {
        case "batch_delay_seconds": range = 0...3_600
        case "pending_failure_depth": range = 1...10
        case "bisection_concurrency": range = 0...100
        case "replicas": range = 1...PlannerStats.replicaLimit
        default: range = 1...100
        }
        guard let number = Int(text), range.contains(number) else {
            return "expected a whole number from \(range.lowerBound) to \(range.upperBound)"
        }
        switch key {
        case "batch_size": batchSize = number
        case "pending_failure_depth": pendingFailureDepth = number
        case "window": window = number
        case "window_floor": windowFloor = number
        case "bisection_concurrency": bisectionConcurrency = number
        case "replicas": replicas = number
        default: batchDelay = Int64(number) * 1_000
        }
        return nil
    }

    /// What is wrong with the settings taken together (a floor above the window), if anything.
    public var inconsistency: (key: String, message: String)? {
        guard let floor = windowFloor, floor > window ?? Reparenting.zuulWindow else { return nil }
        let start = window.map { "`window` (\($0))" } ?? "the default window of \(Reparenting.zuulWindow)"
        return ("window_floor", "is \(floor), above \(start); the window never shrinks below the floor")
    }
}

import TrainyardCore

/// The planners `trainyard simulate` can run, with the settings each gets for a workload: the
/// defaults of the system it models, bounded by the workload's CI capacity where that system
/// would be.
public enum PlannerCatalog {
    /// Every planner name, in the order reports list them.
    public static var names: [String] { PlannerKind.allCases.map(\.rawValue) }

    /// The train settings for planner `name` on `workload`; `nil` for an unknown name.
    public static func settings(_ name: String, for workload: Workload) -> TrainSettings? {
        guard let kind = PlannerKind(rawValue: name) else { return nil }
        var settings = TrainSettings(planner: kind)
        switch kind {
        case .serial: settings.maxParallel = 1
        case .bors: settings.maxParallel = 10_000
        case .prefix, .gitlab: settings.maxParallel = min(20, workload.capacity)
        case .github, .githubHeadgreen: settings.maxParallel = min(5, workload.capacity)
        case .zuul, .adaptive, .submitqueue, .trunk, .mergify: settings.maxParallel = workload.capacity
        }
        return settings
    }
}

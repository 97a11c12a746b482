import TrainyardCore

/// The planners `trainyard simulate` can run, with the settings each gets for a workload: the
/// defaults of the system it models, bounded by the workload's CI capacity where that system
/// would be.
public enum PlannerCatalog {
    /// Every planner name, in the order reports list them.
    public static var names: [String] { PlannerKind.allCases.map(\.rawValue) }

    /// The train settings for planner `name` on `workload`; `nil` for an unknown name or setting.
    /// A name may carry planner settings after colons, as in `trunk:batch_size=8:optimistic_landing=false`.
    public static func settings(_ name: String, for workload: Workload) -> TrainSettings? {
        guard case .success(let tuned) = parse(name) else { return nil }
        var settings = TrainSettings(planner: tuned.kind, plannerSettings: tuned.settings)
        let kind = tuned.kind
        switch kind {
        case .serial: settings.maxParallel = 1
        case .bors: settings.maxParallel = 10_000
        case .prefix, .gitlab: settings.maxParallel = min(20, workload.capacity)
        case .github, .githubHeadgreen: settings.maxParallel = min(5, workload.capacity)
        case .zuul, .adaptive, .submitqueue, .trunk, .mergify: settings.maxParallel = workload.capacity
        }
        return settings
    }

    /// A problem with a planner name of `--planner`.
    public struct NameProblem: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads `KIND[:KEY=VALUE...]` into a planner and its settings.
    public static func parse(_ name: String) -> Result<(kind: PlannerKind, settings: PlannerSettings), NameProblem> {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let kind = PlannerKind(rawValue: parts[0]) else {
            return .failure(
                NameProblem(
                    description:
                        "unknown planner `\(parts[0])`; use one or more of \(names.joined(separator: ", ")), or all"))
        }
        var settings = PlannerSettings()
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else {
                return .failure(NameProblem(description: "`\(part)` in `\(name)` is not KEY=VALUE, as in batch_size=8"))
            }
            if let problem = settings.set(pair[0], to: pair[1], for: kind) {
                return .failure(NameProblem(description: "`\(pair[0])` in `\(name)` \(problem)"))
            }
        }
        if let (key, message) = settings.inconsistency {
            return .failure(NameProblem(description: "`\(key)` in `\(name)` \(message)"))
        }
        return .success((kind, settings))
    }
}

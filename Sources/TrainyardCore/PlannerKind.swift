/// The policy a train follows to choose its cars and whom to blame.
///
/// These planners share the prefix model of the walking skeleton: car k tests the target plus the
/// first k changes of the queue. They differ in how many cars are in flight and in when a
/// failure is blamed.
public enum PlannerKind: String, Hashable, Codable, Sendable, CaseIterable {
    /// Prefix speculation within `maxParallel` cars; a failed car blames its newest change only
    /// once every car ahead of it has passed (no premature ejection), so a change is never
    /// removed for a failure that a change ahead of it caused.
    case prefix
    /// One car at a time, holding one change (homu/bors without batching): no speculation, no
    /// wasted pipelines, throughput of one change per pipeline duration.
    case serial
    /// GitLab merge trains: prefix speculation, and a failed car's newest change is removed at
    /// once even while a car ahead is still running; every car behind restarts. This reproduces
    /// gitlab-org/gitlab#500693, where a change is ejected for a failure caused ahead of it.
    case gitlab

    /// How many cars may be in flight under this planner with the configured window.
    func window(_ maxParallel: Int) -> Int {
        switch self {
        case .serial: return 1
        case .prefix, .gitlab: return maxParallel
        }
    }

    /// Whether a failed car waits for every car ahead of it to pass before blaming.
    var waitsForPredecessors: Bool { self != .gitlab }
}

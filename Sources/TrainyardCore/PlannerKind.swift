/// The policy a train follows to choose its cars and whom to blame.
///
/// These planners share the prefix model: every car tests the target plus the first changes of
/// the queue. They differ in which prefix lengths they test, and in when a failure is blamed.
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
    /// bors-ng: one car at a time holding everything waiting (up to `maxParallel` changes); a
    /// failed batch is bisected, its first half tested first, on the target of the moment.
    case bors

    /// The prefix lengths the planner wants cars for, given the train; lengths that already have
    /// a car are kept, the others are built.
    func lengths(for train: Train) -> [Int] {
        let window = train.settings.maxParallel
        switch self {
        case .prefix, .gitlab:
            return Array(stride(from: 1, through: min(window, train.queue.count), by: 1))
        case .serial:
            return [1]
        case .bors:
            if train.cars.contains(where: { [.building, .starting, .testing, .landing].contains($0.status) }) {
                return []
            }
            if let failed = train.cars.filter({ $0.status == .failed }).map(\.changes.count).min() {
                return failed > 1 ? [failed / 2] : []
            }
            return [min(window, train.queue.count)]
        }
    }

    /// Whether a failed car waits for every car ahead of it to pass before blaming.
    var waitsForPredecessors: Bool { self != .gitlab }
}

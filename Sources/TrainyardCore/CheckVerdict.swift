/// How a car's CI went on a forge that reports many checks per commit instead of one pipeline
/// (GitHub's check runs and commit statuses): the car's ``PipelineState`` is the verdict of its
/// **required** checks. A car passes when every required check passed, and fails at the first
/// required failure, even while other checks still run. Checks that are not required are
/// ignored, as the forge's branch protection ignores them.
public enum CheckVerdict {
    /// What one check said last.
    public enum Outcome: String, Hashable, Codable, Sendable {
        /// Queued, or reported pending.
        case pending
        /// Started and not finished.
        case running
        /// Success; GitHub's `neutral` and `skipped` also satisfy a required check.
        case passed
        /// Failure, error, time-out, an action required, a start-up failure or a stale run.
        case failed
        /// Somebody or something cancelled it; the train runs the car again once.
        case canceled
    }

    /// One check as the forge reports it now: a check run's name or a status's context.
    public struct Report: Hashable, Codable, Sendable {
        public var name: String
        public var outcome: Outcome

        public init(name: String, outcome: Outcome) {
            self.name = name
            self.outcome = outcome
        }
    }

    /// The car's state from the checks reported on its commit. With no required check the car
    /// stays pending for ever: nothing would say when CI is over, and a queue with no required
    /// checks merges red changes (the adapter refuses to start such a car, with the reason). When a name is reported more than once (a check run and a commit status with one
    /// name), the worst of them counts; callers pass only the latest report of each run and status.
    public static func state(required: Set<String>, reports: [Report]) -> PipelineState {
        guard !required.isEmpty else { return .pending }
        var byName: [String: [Outcome]] = [:]
        for report in reports where required.contains(report.name) {
            byName[report.name, default: []].append(report.outcome)
        }
        let outcomes = required.map { name in Self.combined(byName[name] ?? []) }
        if outcomes.contains(.failed) { return .failed }
        if outcomes.contains(.canceled) { return .canceled }
        if outcomes.allSatisfy({ $0 == .passed }) { return .success }
        return outcomes.contains { $0 != .pending } ? .running : .pending
    }

    /// One required check's outcome from every report carrying its name.
    static func combined(_ outcomes: [Outcome]) -> Outcome {
        if outcomes.isEmpty { return .pending }
        for worst in [Outcome.failed, .canceled, .running, .pending] where outcomes.contains(worst) {
            return worst
        }
        return .passed
    }

    /// The outcome of a GitHub check run from its `status` and `conclusion`.
    public static func checkRun(status: String, conclusion: String?) -> Outcome {
        guard status == "completed" else { return status == "in_progress" ? .running : .pending }
        switch conclusion {
        case "success", "neutral", "skipped": return .passed
        case "cancelled": return .canceled
        default: return .failed
        }
    }

    /// The outcome of a GitHub commit status from its `state`.
    public static func commitStatus(_ state: String) -> Outcome {
        switch state {
        case "success": return .passed
        case "pending": return .pending
        default: return .failed
        }
    }

    /// The names in `required` that have not passed, for a report on a failed or slow car.
    public static func missing(required: Set<String>, reports: [Report]) -> [String] {
        required.filter { name in
            combined(reports.filter { $0.name == name }.map(\.outcome)) != .passed
        }.sorted()
    }
}

/// What the train's last full pass over its cars planned with, when that pass settled (a second
/// pass would have changed nothing).
///
/// The events that only move a car along its way (`carBuilt`, `pipelineCreated`: building →
/// starting → testing, all in flight) change nothing the planners, landing or blame read. After
/// them, while the settings and the shared CI budget are the ones the settled pass saw, the train
/// skips the pass: on a monorepo train (hundreds of cars of hundreds of changes) each pass costs
/// milliseconds, and two of every three events are such steps.
public struct SettledPlan: Hashable, Codable, Sendable {
    public var settings: TrainSettings
    public var budget: SharedBudget?

    public init(settings: TrainSettings, budget: SharedBudget?) {
        self.settings = settings
        self.budget = budget
    }
}

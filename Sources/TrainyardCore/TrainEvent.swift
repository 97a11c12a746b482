/// A fact that happened to a train. The engine decodes webhooks, commands and the results of
/// executed actions into these and feeds them to ``Train/apply(_:at:)``.
public enum TrainEvent: Hashable, Codable, Sendable {
    /// Somebody asked to merge a change (comment, API, chat).
    case changeEnqueued(Change)
    /// Somebody took a change off the train (`/cancel`, `DELETE`); `by` names them.
    case changeDequeued(number: Int, by: String)
    /// Somebody gave a queued change a new priority (`priority N`); `by` names them.
    case changeReprioritized(number: Int, priority: Int, by: String)
    /// The change's source branch now points at `head` (a push, or a webhook telling us so).
    case changeUpdated(number: Int, head: SHA)
    /// The merge request was closed without merging.
    case changeClosed(number: Int)
    /// The forge reports the merge request merged.
    case changeMerged(number: Int)
    /// The target branch points at `head` now: the answer of a `fetchTarget`, read from the
    /// forge, so it is the truth at the time it was read.
    case targetMoved(head: SHA)
    /// A push webhook says the target was pushed to `head`. Webhooks arrive late and out of
    /// order, so this is only a hint: the train re-reads the target unless it already knows `head`.
    case targetPushed(head: SHA)
    /// The car's merge commit exists and is pushed to its branch.
    case carBuilt(car: CarID, commit: SHA)
    /// Merging `change` into the car conflicted on `paths`.
    case carConflicted(car: CarID, change: Int, paths: [String])
    /// Building the car failed for a reason that is not a conflict (for example a head commit
    /// that cannot be fetched); the change named is removed with `message`.
    case carBuildFailed(car: CarID, change: Int?, message: String)
    /// The forge created the car's pipeline.
    case pipelineCreated(car: CarID, pipeline: PipelineID, commit: SHA)
    /// The forge refused to create the car's pipeline.
    case pipelineCreationFailed(car: CarID, message: String)
    /// A pipeline on a car's branch changed state.
    case pipelineUpdated(car: CarID, pipeline: PipelineID, commit: SHA, state: PipelineState)
    /// One of the checks on a car's commit moved (a forge with many checks per commit, such as
    /// GitHub): the train asks for the verdict of the car's required checks at once instead of
    /// at the next poll.
    case checksReported(car: CarID, commit: SHA)
    /// The target was moved to the car's commit by our push.
    case carLanded(car: CarID, commit: SHA)
    /// The push that would land the car was refused: the target is no longer where we expected.
    case landingRejected(car: CarID, message: String)
    /// Somebody paused the train: no new cars start and nothing lands until it is resumed;
    /// running pipelines finish.
    case trainPaused(reason: String, by: String)
    case trainResumed(by: String)
    /// Somebody asked to run the failed car holding a queued change again (`retry`), once.
    case carRetried(number: Int, by: String)
    /// Somebody asked to try a change (`try`): test it alone on the target, never land it.
    case changeTried(Change)
    /// Time passed: the train checks its pipelines against the timeout.
    case tick(now: Instant)
}

/// The states of a pipeline the train cares about.
public enum PipelineState: String, Hashable, Codable, Sendable {
    case pending
    case running
    case success
    case failed
    case canceled
}

/// Something the engine must do for a train. Actions are values: the engine persists them in
/// the outbox in the same transaction as the train's new state, executes them (each is safe to
/// repeat), and feeds their results back as ``TrainEvent``s.
public enum TrainAction: Hashable, Codable, Sendable {
    /// Find out where the target branch points now and report it as `targetMoved`.
    case fetchTarget
    /// Merge `changes` one after the other onto `base` and push the result to branch `ref`.
    case buildCar(car: CarID, ref: String, base: SHA, changes: [Change])
    /// Create a pipeline for the car's branch, which must point at `commit`.
    case startPipeline(car: CarID, ref: String, commit: SHA)
    case cancelPipeline(car: CarID, pipeline: PipelineID)
    /// Ask the forge for the pipeline's state and report it as `pipelineUpdated`: webhooks can
    /// be lost, so a running pipeline is also polled now and then.
    case refreshPipeline(car: CarID, pipeline: PipelineID)
    /// Move the target from `expected` to `commit`: a fast-forward with compare-and-swap.
    case land(car: CarID, commit: SHA, expected: SHA)
    /// Delete a car's branch.
    case deleteRef(car: CarID, ref: String)
    /// Set the `trainyard` commit status on a change's head.
    case setStatus(change: Int, head: SHA, state: CommitState, description: String)
    /// Post a comment on a change.
    case comment(change: Int, body: String)
    /// Answer a chat command later, through the reply address (Slack's and Mattermost's
    /// `response_url`) that came with it. The engine adds these; the train never does.
    case chatReply(url: String, text: String)
}

/// The commit status states Trainyard posts; GitLab and GitHub both know these.
public enum CommitState: String, Hashable, Codable, Sendable {
    case pending
    case running
    case success
    case failed
    case canceled
}

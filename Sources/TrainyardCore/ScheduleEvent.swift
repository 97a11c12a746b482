/// What happened to a schedule: the facts its state machine is driven by.
public enum ScheduleEvent: Hashable, Sendable {
    /// Its timer fired, or it was looked at: slots whose time came are run.
    case tick(now: Instant)
    /// Its definition is (now) this: new, or changed in the configuration or through the API.
    case defined(ScheduleDefinition, now: Instant)
    /// Somebody asked for a run now.
    case runRequested(by: String, now: Instant)
    case paused(by: String, now: Instant)
    case resumed(by: String, now: Instant)
    /// A try to create the run's pipeline is about to be made (stored first, so that after a crash
    /// the next try looks for a pipeline this one may have created).
    case creationStarted(claim: String, now: Instant)
    case pipelineCreated(claim: String, pipeline: Int, webURL: String?, status: String, now: Instant)
    /// Creating the pipeline failed; `permanent` when trying again cannot help (the forge refused).
    case creationFailed(claim: String, error: String, permanent: Bool, now: Instant)
    /// The forge reports the run's pipeline in this status (`running`, `success`, `failed`, …).
    case pipelineObserved(claim: String, status: String, now: Instant)
    /// The run's slot was claimed before, by another process or an earlier state: it is dropped.
    case claimTaken(claim: String, now: Instant)
    case noticeSent(id: Int, now: Instant)
    /// Sending a notice failed for some destinations; `sentTo` got it.
    case noticeFailed(id: Int, error: String, sentTo: [String], now: Instant)
}

/// What a schedule's state machine asks the engine to do.
public enum ScheduleAction: Hashable, Sendable {
    /// Claim the run's slot in the store, in the same transaction as the new state (a unique key:
    /// a slot claimed before is not run again).
    case claim(String)
    /// Write this to the service log.
    case log(String)
}

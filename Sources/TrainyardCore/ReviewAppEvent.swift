/// What happens to a project's review apps: merge requests change, deploys and stops report back,
/// checks finish, people give commands, timers fire, the sweeper looks at the forge.
public enum ReviewAppEvent: Hashable, Codable, Sendable {
    /// Opened, reopened, pushed to, marked ready or as a draft.
    case changeUpdated(number: Int, head: SHA, sourceBranch: String, draft: Bool, now: Instant)
    /// Merged or closed.
    case changeClosed(number: Int, merged: Bool, now: Instant)
    /// A timer fired: debounces, TTLs and retries come due.
    case tick(now: Instant)
    /// The forge took the deploy (`attempt`), with the pipeline it made if any.
    case deployStarted(number: Int, attempt: Int, pipeline: Int?, now: Instant)
    /// The deploy ended: succeeded (with the environment's URL when the forge said it) or not.
    case deployFinished(number: Int, attempt: Int, succeeded: Bool, url: String?, reason: String?, now: Instant)
    /// The forge reported a deployment to the app's environment (GitLab's Deployment Hook): it
    /// ends the deploy in progress, with the environment's URL.
    case deploymentReported(number: Int, succeeded: Bool, url: String?, reason: String?, now: Instant)
    /// The browser check of deploy `attempt` finished.
    case checked(number: Int, attempt: Int, results: [BrowserCheckResult], now: Instant)
    /// The forge took the stop.
    case stopStarted(number: Int, attempt: Int, pipeline: Int?, now: Instant)
    /// The stop ended: confirmed, or failed (to be tried again).
    case stopFinished(number: Int, attempt: Int, succeeded: Bool, reason: String?, now: Instant)
    /// `pin`, `unpin`, `deploy` or `stop` from a comment, chat or the API.
    case command(number: Int, ReviewAppCommand, by: String, now: Instant)
    /// The sweeper's look at the forge: the review environments that are available
    /// (`review/mr-N`), and the merge requests that are open (nil when the forge could not say).
    case swept(environments: [String], open: Set<Int>?, now: Instant)
}

/// What people can ask of a review app.
public enum ReviewAppCommand: String, Hashable, Codable, Sendable, CaseIterable {
    /// No TTL while pinned.
    case pin
    /// The TTL counts again, from now.
    case unpin
    /// Deploy the newest head now (even a draft's), without waiting for the debounce.
    case deploy
    /// Stop the app now; the next push deploys it again.
    case stop
}

/// What the engine does for a project's review apps.
public enum ReviewAppAction: Hashable, Codable, Sendable {
    /// Deploy `head` of the merge request: a pipeline with `TRAINYARD_REVIEW_APP=deploy`, or the
    /// team's endpoint. Answer with ``ReviewAppEvent/deployStarted(number:attempt:pipeline:now:)``.
    case deploy(number: Int, attempt: Int, head: SHA, sourceBranch: String, url: String?)
    /// Cancel a superseded deploy's pipeline.
    case cancelPipeline(number: Int, pipeline: Int)
    /// Check the deployed app at `url` in the browser; answer with ``ReviewAppEvent/checked(number:attempt:results:now:)``.
    case check(number: Int, attempt: Int, head: SHA, url: String)
    /// Stop the app: a pipeline with `TRAINYARD_REVIEW_APP=stop`, or the team's endpoint.
    case stop(number: Int, attempt: Int, head: SHA, sourceBranch: String, reason: String)
    /// Stop an environment no app stands behind (an orphan), by the forge's environments API.
    case stopEnvironment(name: String)
    /// Look at a deploy's or stop's pipeline (a webhook may have been lost); answer with
    /// ``ReviewAppEvent/deployFinished(number:attempt:succeeded:url:reason:now:)`` or
    /// ``ReviewAppEvent/stopFinished(number:attempt:succeeded:reason:now:)`` once it ended.
    case lookAtPipeline(number: Int, attempt: Int, pipeline: Int, stopping: Bool)
    /// List the forge's review environments and open merge requests; answer with
    /// ``ReviewAppEvent/swept(environments:open:now:)``.
    case sweep
    /// Set the commit status `trainyard/review-app` on the merge request's head.
    case status(number: Int, head: SHA, state: CommitState, description: String)
    /// Write (or edit) the one note about the app on the merge request.
    case note(number: Int)
    /// Something worth a line in the log.
    case log(String)
}

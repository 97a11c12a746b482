import Foundation
import TrainyardCore

/// Driving a project's review apps: merge request events and timers go into the ``ReviewApps``
/// state machine, and its actions are carried out at once by the project's review-app driver.
/// An action lost in a crash is recovered by the state machine's own time-outs and the sweeper.
extension TrainEngine {
    /// Gives every project with review apps a wake-up now, so that its driver starts and sweeps.
    public func wakeReviewApps() async throws {
        let now = clock()
        try await store.setTimers(
            projects.values.filter { $0.reviewApps != nil }.map {
                TimerChange(owner: .reviewApps($0.key), name: ReviewAppTimer.wake, .earliest(now))
            })
    }

    /// A merge request's delivery for its project's review apps, besides its train's.
    nonisolated func reviewAppsCopy(of delivery: Delivery) -> InboxEntry? {
        let project: ProjectKey
        switch delivery.event {
        case .mergeRequest(let event):
            switch event.action {
            case .open, .update, .reopen, .close, .merge: project = event.project
            case .approved, .other: return nil
            }
        case .comment(let event):
            // A comment with a `review-app` command; its train's driver reads the rest. Only read
            // for a project with review apps: this runs for every delivery at intake.
            guard projects[event.project]?.reviewApps != nil else { return nil }
            let commands = CommandGrammar.comment(event.body, mention: mention)
            guard commands.contains(where: { (try? $0.get())?.verb == .reviewApp }) else { return nil }
            project = event.project
        default:
            return nil
        }
        guard projects[project]?.reviewApps != nil else { return nil }
        var copy = delivery
        copy.key = String((delivery.key + "#review-apps").suffix(250))
        return InboxEntry(delivery: copy, owner: .reviewApps(project), at: clock())
    }

    /// A merge request event for the review apps: the forge is asked for the merge request's
    /// state (a webhook is a hint), and the apps told.
    func obeyReviewApps(_ row: InboxRow, project key: ProjectKey) async throws {
        if case .pipeline(let event) = row.delivery.event, let mark = event.reviewApp,
            let project = projects[key], let settings = project.reviewApps
        {
            // A deploy's or stop's pipeline ended: no need to wait for the next look at it.
            guard let ended = Self.reviewAppEvent(mark, status: event.status, pipeline: event.pipeline, now: clock())
            else {
                return try await store.finishInbox(row.id, outcome: "still running", at: clock())
            }
            var apps = try await store.reviewApps(of: key) ?? ReviewApps(settings: settings)
            apps.settings = settings
            return try await runReviewApps(
                &apps, project: project, [ended], finishing: .inbox(row.id, outcome: "applied"))
        }
        if case .deployment(let event) = row.delivery.event, let project = projects[key],
            let settings = project.reviewApps, let number = ReviewAppSettings.number(ofEnvironment: event.environment)
        {
            let succeeded: Bool
            switch event.status {
            case "success": succeeded = true
            case "failed", "canceled": succeeded = false
            default: return try await store.finishInbox(row.id, outcome: "deployment \(event.status)", at: clock())
            }
            let reported = ReviewAppEvent.deploymentReported(
                number: number, succeeded: succeeded, url: event.externalURL,
                reason: succeeded ? nil : "the deployment to \(event.environment) \(event.status)", now: clock())
            var apps = try await store.reviewApps(of: key) ?? ReviewApps(settings: settings)
            apps.settings = settings
            return try await runReviewApps(
                &apps, project: project, [reported], finishing: .inbox(row.id, outcome: "applied"))
        }
        if case .comment(let event) = row.delivery.event {
            return try await obeyReviewAppComment(event, row: row, project: key)
        }
        if case .command(let event) = row.delivery.event, case .reviewApp(let command) = event.command {
            return try await obeyReviewAppCommand(event, command, row: row, project: key)
        }
        guard case .mergeRequest(let event) = row.delivery.event, let project = projects[key],
            let settings = project.reviewApps, let forge = forges[key.forge]
        else {
            return try await store.finishInbox(row.id, outcome: "no review apps", at: clock())
        }
        let info = try await forge.mergeRequest(project: project, number: event.number)
        let now = clock()
        let appEvent: ReviewAppEvent =
            switch info.state {
            case "opened":
                .changeUpdated(
                    number: info.number, head: info.head, sourceBranch: info.sourceBranch, draft: info.draft, now: now)
            default: .changeClosed(number: info.number, merged: info.state == "merged", now: now)
            }
        var apps = try await store.reviewApps(of: key) ?? ReviewApps(settings: settings)
        apps.settings = settings
        try await runReviewApps(&apps, project: project, [appEvent], finishing: .inbox(row.id, outcome: "applied"))
    }

    /// The project's timer fired.
    func driveReviewApps(_ key: ProjectKey, firing: [DueTimer]) async throws {
        let fired = firing.map { TimerChange(owner: $0.owner, name: $0.name, .fired($0.due)) }
        guard let project = projects[key], let settings = project.reviewApps else {
            return try await store.setTimers(fired + [reviewWake(nil, key)])
        }
        var apps = try await store.reviewApps(of: key) ?? ReviewApps(settings: settings)
        apps.settings = settings
        try await runReviewApps(&apps, project: project, [.tick(now: clock())], firing: fired)
    }

    /// Applies `events`, saves, and carries out the actions, applying what they lead to, until
    /// nothing is left to do.
    func runReviewApps(
        _ apps: inout ReviewApps, project: ProjectSettings, _ events: [ReviewAppEvent], firing: [TimerChange] = [],
        finishing: Finishing? = nil
    ) async throws {
        var pending = events
        var extra = firing
        var finishing = finishing
        while !pending.isEmpty, !isStopping {
            let event = await withEnvironmentURL(pending.removeFirst(), apps: apps, project: project)
            let actions = apps.apply(event)
            try await store.commit(
                reviewApps: apps, of: project.key, timers: extra + [reviewWake(apps.wakeAt, project.key)],
                finishing: finishing, at: clock(), fence: DriverLease.current)
            extra = []
            finishing = nil
            for action in actions {
                pending += try await carryOut(action, apps: apps, project: project)
            }
        }
    }

    /// A deploy that passed without naming the app's address, for a project without a `url`
    /// template, gets its environment's URL from the forge.
    func withEnvironmentURL(_ event: ReviewAppEvent, apps: ReviewApps, project: ProjectSettings) async
        -> ReviewAppEvent
    {
        guard case .deployFinished(let number, let attempt, true, nil, let reason, let now) = event,
            apps.settings.urlTemplate == nil, let forge = forges[project.key.forge] as? any ReviewAppForge,
            let url = try? await forge.environmentURL(
                project: project, name: ReviewAppSettings.environment(number))
        else { return event }
        return .deployFinished(number: number, attempt: attempt, succeeded: true, url: url, reason: reason, now: now)
    }

    /// What a pipeline's status means for its deploy or stop; nil while it runs.
    static func reviewAppEvent(_ mark: ReviewAppPipelineMark, status: String, pipeline: PipelineID, now: Instant)
        -> ReviewAppEvent?
    {
        let succeeded: Bool
        switch status {
        case "success": succeeded = true
        case "failed", "canceled", "skipped": succeeded = false
        default: return nil
        }
        let reason = succeeded ? nil : "pipeline #\(pipeline.value) \(status)"
        return mark.stopping
            ? .stopFinished(number: mark.number, attempt: mark.attempt, succeeded: succeeded, reason: reason, now: now)
            : .deployFinished(
                number: mark.number, attempt: mark.attempt, succeeded: succeeded, url: nil, reason: reason, now: now)
    }

    func reviewWake(_ at: Instant?, _ key: ProjectKey) -> TimerChange {
        TimerChange(owner: .reviewApps(key), name: ReviewAppTimer.wake, at.map { .set($0) } ?? .clear)
    }
}

/// Stopping review apps: on merge or close, on the TTL, by command, and what the sweeper finds.
extension ReviewApps {
    /// Asks for the app to stop (cancelling a deploy still running); an app that never got an
    /// environment is simply marked stopped.
    mutating func startStop(_ number: Int, reason: String, now: Instant) -> [ReviewAppAction] {
        guard var app = apps[number] else { return [] }
        app.deployAt = nil
        waiting.removeAll { $0 == number }
        var actions: [ReviewAppAction] = []
        if app.state == .deploying, let pipeline = app.deploy?.pipeline {
            actions.append(.cancelPipeline(number: number, pipeline: pipeline))
        }
        guard app.holdsPlace else {
            app.state = .stopped
            app.summary = "Not deployed: \(reason)."
            apps[number] = app.open ? app : nil
            return actions
        }
        let attempt = nextAttempt
        nextAttempt += 1
        app.stop = ReviewApp.Run(attempt: attempt, head: app.deployedHead ?? app.head, startedAt: now)
        // Without an answer, the stop is asked for again after this (an answer lost in a crash).
        app.stop?.retryAt = now.adding(milliseconds: Self.deployTimeoutMilliseconds)
        app.state = .stopping
        app.stopReason = reason
        app.summary = "Stopping: \(reason)."
        apps[number] = app
        note("!\(number): stopping (\(reason))")
        return actions + [
            .stop(
                number: number, attempt: attempt, head: app.stop?.head ?? app.head, sourceBranch: app.sourceBranch,
                reason: reason),
            .note(number: number),
        ]
    }

    /// Tries a failed stop again, as a new attempt.
    mutating func restartStop(_ number: Int, now: Instant) -> [ReviewAppAction] {
        guard var app = apps[number], let old = app.stop else { return [] }
        let attempt = nextAttempt
        nextAttempt += 1
        var run = ReviewApp.Run(attempt: attempt, head: old.head, startedAt: now)
        run.failures = old.failures
        run.retryAt = now.adding(milliseconds: Self.deployTimeoutMilliseconds)
        app.stop = run
        apps[number] = app
        let reason = app.stopReason ?? "stopped"
        return [.stop(number: number, attempt: attempt, head: old.head, sourceBranch: app.sourceBranch, reason: reason)]
    }

    mutating func stopFinished(_ number: Int, attempt: Int, succeeded: Bool, reason: String?, now: Instant)
        -> [ReviewAppAction]
    {
        guard var app = apps[number], app.state == .stopping, let stop = app.stop, stop.attempt == attempt else {
            return []
        }
        guard succeeded else {
            let failures = stop.failures + 1
            let wait = min(Self.pollMilliseconds << min(failures - 1, 10), Self.maxStopBackoffMilliseconds)
            app.stop?.failures = failures
            app.stop?.pipeline = nil
            app.stop?.retryAt = now.adding(milliseconds: wait)
            app.summary =
                "Stopping failed \(failures) time\(failures == 1 ? "" : "s") (\(reason ?? "no reason given")); "
                + "tried again in \(wait / 60_000) min."
            apps[number] = app
            note("!\(number): \(app.summary)")
            return [.note(number: number)]
        }
        app.state = .stopped
        app.hasEnvironment = false
        app.deployedHead = nil
        app.checks = []
        app.summary = "Stopped: \(app.stopReason ?? "asked for")."
        note("!\(number): stopped (\(app.stopReason ?? "asked for"))")
        apps[number] = app
        // A place is free: the oldest merge request waiting for one gets it.
        if let next = waiting.first, var waitingApp = apps[next] {
            waiting.removeFirst()
            waitingApp.deployAt = now
            apps[next] = waitingApp
        }
        return [.note(number: number)] + tick(now: now)
    }

    mutating func obey(_ command: ReviewAppCommand, on number: Int, by: String, now: Instant) -> [ReviewAppAction] {
        guard var app = apps[number] else {
            return [.log("!\(number) has no review app; a push or `deploy` makes one")]
        }
        switch command {
        case .pin:
            app.pinned = true
            app.summary = "Pinned by \(by): kept until unpinned or the merge request closes."
        case .unpin:
            app.pinned = false
            app.updatedAt = now
            app.summary = "Unpinned by \(by): stopped after \(settings.ttlHours) h without an update."
        case .deploy:
            guard app.open else { return [.log("!\(number) is closed; its review app is not deployed again")] }
            app.updatedAt = now
            app.deployAt = now
            apps[number] = app
            note("!\(number): deploy asked for by \(by)")
            return tick(now: now)
        case .stop:
            apps[number] = app
            return startStop(number, reason: "stopped by \(by)", now: now)
        }
        apps[number] = app
        note("!\(number): \(command.rawValue) by \(by)")
        return [.note(number: number)]
    }

    /// The sweeper's view of the forge: apps of merge requests that are no longer open are
    /// stopped, and every available `review/mr-N` environment that no running app stands behind is
    /// stopped on the forge (an orphan). Closed apps already stopped are forgotten.
    mutating func swept(_ environments: [String], open: Set<Int>?, now: Instant) -> [ReviewAppAction] {
        lastSweep = now
        var actions: [ReviewAppAction] = []
        var stopped: [String] = []
        if let open {
            for number in apps.keys.sorted() where apps[number]?.open == true && !open.contains(number) {
                let before = apps[number]?.state
                actions += closed(number, reason: "the merge request is no longer open (found by the sweep)", now: now)
                if before != .stopping, apps[number]?.state == .stopping { stopped.append("!\(number)") }
            }
        }
        for number in apps.keys.sorted() {
            guard let app = apps[number], let expires = app.expiresAt(settings), expires <= now else { continue }
            actions += startStop(number, reason: "no update for \(settings.ttlHours) h (ttl_hours)", now: now)
            stopped.append("!\(number)")
        }
        for name in environments.sorted() {
            guard let number = ReviewAppSettings.number(ofEnvironment: name) else { continue }
            if let app = apps[number], app.holdsPlace || app.state == .stopping { continue }
            actions.append(.stopEnvironment(name: name))
            stopped.append(name)
        }
        for number in apps.keys.sorted() where apps[number]?.open == false && apps[number]?.state == .stopped {
            apps[number] = nil
        }
        if !stopped.isEmpty {
            let text = "sweep: stopped \(stopped.joined(separator: ", "))"
            note(text)
            actions.append(.log(text))
        }
        return actions + tick(now: now).filter { $0 != .sweep }
    }
}

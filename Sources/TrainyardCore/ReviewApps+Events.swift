/// The review apps' state machine: how each event changes the apps, and what is to be done.
extension ReviewApps {
    public mutating func apply(_ event: ReviewAppEvent) -> [ReviewAppAction] {
        switch event {
        case .changeUpdated(let number, let head, let branch, let draft, let now):
            return updated(number, head: head, branch: branch, draft: draft, now: now)
        case .changeClosed(let number, let merged, let now):
            return closed(
                number, reason: merged ? "the merge request was merged" : "the merge request was closed", now: now)
        case .tick(let now):
            return tick(now: now)
        case .deployStarted(let number, let attempt, let pipeline, let now):
            guard var app = apps[number], app.state == .deploying, app.deploy?.attempt == attempt else { return [] }
            app.deploy?.pipeline = pipeline
            app.deploy?.retryAt = pipeline.map { _ in now.adding(milliseconds: Self.pollMilliseconds) }
            app.hasEnvironment = true
            let head = Self.short(app.head)
            app.summary = pipeline.map { "Deploying \(head) (pipeline #\($0))." } ?? "Deploying \(head)."
            apps[number] = app
            return [.note(number: number)]
        case .deployFinished(let number, let attempt, let succeeded, let url, let reason, let now):
            return deployFinished(number, attempt: attempt, succeeded: succeeded, url: url, reason: reason, now: now)
        case .deploymentReported(let number, let succeeded, let url, let reason, let now):
            guard let app = apps[number], app.state == .deploying, let attempt = app.deploy?.attempt else { return [] }
            return deployFinished(number, attempt: attempt, succeeded: succeeded, url: url, reason: reason, now: now)
        case .checked(let number, let attempt, let results, _):
            return checked(number, attempt: attempt, results: results)
        case .stopStarted(let number, let attempt, let pipeline, let now):
            guard var app = apps[number], app.state == .stopping, app.stop?.attempt == attempt else { return [] }
            app.stop?.pipeline = pipeline
            app.stop?.retryAt = pipeline.map { _ in now.adding(milliseconds: Self.pollMilliseconds) }
            apps[number] = app
            return []
        case .stopFinished(let number, let attempt, let succeeded, let reason, let now):
            return stopFinished(number, attempt: attempt, succeeded: succeeded, reason: reason, now: now)
        case .command(let number, let command, let by, let now):
            return obey(command, on: number, by: by, now: now)
        case .swept(let environments, let open, let now):
            return swept(environments, open: open, now: now)
        }
    }

    private mutating func updated(_ number: Int, head: SHA, branch: String, draft: Bool, now: Instant)
        -> [ReviewAppAction]
    {
        var app = apps[number] ?? ReviewApp(number: number, sourceBranch: branch, head: head, draft: draft, at: now)
        let isNew = apps[number] == nil
        let changed = isNew || app.head != head || !app.open || (app.draft && !draft)
        app.head = head
        app.sourceBranch = branch
        app.draft = draft
        app.open = true
        if changed && !draft && app.deployedHead != head {
            app.updatedAt = now
            app.deployAt = now.adding(milliseconds: settings.debounceMilliseconds)
            if settings.debounceSeconds > 0 {
                app.summary =
                    "A deploy of \(Self.short(head)) starts after \(settings.debounceSeconds) s without a push."
            }
        }
        apps[number] = app
        return tick(now: now)
    }

    mutating func closed(_ number: Int, reason: String, now: Instant) -> [ReviewAppAction] {
        guard var app = apps[number] else { return [] }
        app.open = false
        app.deployAt = nil
        waiting.removeAll { $0 == number }
        apps[number] = app
        if app.state == .stopping { return [] }
        guard app.holdsPlace else {
            apps[number] = nil
            return []
        }
        return startStop(number, reason: reason, now: now)
    }

    mutating func tick(now: Instant) -> [ReviewAppAction] {
        var actions: [ReviewAppAction] = []
        for number in apps.keys.sorted() {
            guard var app = apps[number] else { continue }
            if app.state == .stopping, let stop = app.stop, let retry = stop.retryAt, retry <= now {
                let late = stop.startedAt.adding(milliseconds: Self.deployTimeoutMilliseconds) <= now
                if let pipeline = stop.pipeline, !late {
                    app.stop?.retryAt = now.adding(milliseconds: Self.pollMilliseconds)
                    apps[number] = app
                    actions.append(
                        .lookAtPipeline(number: number, attempt: stop.attempt, pipeline: pipeline, stopping: true))
                } else if stop.pipeline != nil {
                    actions += stopFinished(
                        number, attempt: stop.attempt, succeeded: false,
                        reason: "no answer within \(Self.deployTimeoutMilliseconds / 60_000) minutes", now: now)
                } else {
                    actions += restartStop(number, now: now)
                }
                continue
            }
            if app.state == .checking, let deploy = app.deploy, let retry = deploy.retryAt, retry <= now,
                let url = app.url
            {
                // The check's answer was lost: it is asked for again.
                app.deploy?.retryAt = now.adding(milliseconds: Self.checkTimeoutMilliseconds)
                apps[number] = app
                actions.append(.check(number: number, attempt: deploy.attempt, head: deploy.head, url: url))
            }
            if app.state == .deploying, let deploy = app.deploy {
                if deploy.startedAt.adding(milliseconds: Self.deployTimeoutMilliseconds) <= now {
                    actions += deployFinished(
                        number, attempt: deploy.attempt, succeeded: false, url: nil,
                        reason: "no answer within \(Self.deployTimeoutMilliseconds / 60_000) minutes", now: now)
                } else if let pipeline = deploy.pipeline, let retry = deploy.retryAt, retry <= now {
                    app.deploy?.retryAt = now.adding(milliseconds: Self.pollMilliseconds)
                    apps[number] = app
                    actions.append(
                        .lookAtPipeline(number: number, attempt: deploy.attempt, pipeline: pipeline, stopping: false))
                }
            }
            guard let app = apps[number] else { continue }
            if let expires = app.expiresAt(settings), expires <= now {
                actions += startStop(number, reason: "no update for \(settings.ttlHours) h (ttl_hours)", now: now)
                continue
            }
            // A deploy waits for a stop in progress to end, so the two never race on the forge.
            if app.open, app.state != .stopping, let due = app.deployAt, due <= now {
                actions += startDeploy(number, now: now)
            }
        }
        if (lastSweep.map { $0.adding(milliseconds: Self.sweepMilliseconds) } ?? now) <= now {
            lastSweep = now
            actions.append(.sweep)
        }
        return actions
    }

    private mutating func startDeploy(_ number: Int, now: Instant) -> [ReviewAppAction] {
        guard var app = apps[number] else { return [] }
        app.deployAt = nil
        var actions: [ReviewAppAction] = []
        if !app.holdsPlace && placesUsed >= settings.maxApps {
            app.state = .pending
            app.summary =
                "Waiting for a place: \(placesUsed) review apps run, and max_apps is \(settings.maxApps)."
            if !waiting.contains(number) { waiting.append(number) }
            apps[number] = app
            return [.note(number: number)]
        }
        if app.state == .deploying, let old = app.deploy, let pipeline = old.pipeline, old.head != app.head {
            actions.append(.cancelPipeline(number: number, pipeline: pipeline))
            note("!\(number): the deploy of \(Self.short(old.head)) was superseded by \(Self.short(app.head))")
        }
        waiting.removeAll { $0 == number }
        let attempt = nextAttempt
        nextAttempt += 1
        app.deploy = ReviewApp.Run(attempt: attempt, head: app.head, startedAt: now)
        app.state = .deploying
        app.stopReason = nil
        app.summary = "Deploying \(Self.short(app.head))."
        apps[number] = app
        return actions + [
            .deploy(
                number: number, attempt: attempt, head: app.head, sourceBranch: app.sourceBranch,
                url: settings.url(number)),
            .status(
                number: number, head: app.head, state: .pending,
                description: "Deploying the review app of \(Self.short(app.head))"),
            .note(number: number),
        ]
    }

    private mutating func deployFinished(
        _ number: Int, attempt: Int, succeeded: Bool, url: String?, reason: String?, now: Instant
    ) -> [ReviewAppAction] {
        guard var app = apps[number], app.state == .deploying, let deploy = app.deploy, deploy.attempt == attempt
        else { return [] }
        app.hasEnvironment = true
        app.deploy?.retryAt = nil
        let head = Self.short(deploy.head)
        guard succeeded else {
            app.state = .failed
            app.summary = "The deploy of \(head) failed: \(reason ?? "no reason given")."
            apps[number] = app
            note("!\(number): \(app.summary)")
            return [
                .status(number: number, head: deploy.head, state: .failed, description: Self.cut(app.summary)),
                .note(number: number),
            ]
        }
        app.deployedHead = deploy.head
        app.url = url ?? settings.url(number) ?? app.url
        guard let address = app.url else {
            app.state = .failed
            app.summary =
                "\(head) was deployed, but its address is unknown: set review_apps.url, or the environment's url."
            apps[number] = app
            return [
                .status(number: number, head: deploy.head, state: .failed, description: Self.cut(app.summary)),
                .note(number: number),
            ]
        }
        guard !settings.checks.isEmpty else {
            app.state = .live
            app.summary = "\(head) is deployed at \(address)."
            apps[number] = app
            return [
                .status(number: number, head: deploy.head, state: .success, description: "Review app deployed"),
                .note(number: number),
            ]
        }
        app.state = .checking
        app.deploy?.retryAt = now.adding(milliseconds: Self.checkTimeoutMilliseconds)
        app.summary = "\(head) is deployed at \(address); checking it in the browser."
        apps[number] = app
        let pages = settings.checks.count
        return [
            .check(number: number, attempt: attempt, head: deploy.head, url: address),
            .status(
                number: number, head: deploy.head, state: .running,
                description: "Deployed; checking \(pages) page\(pages == 1 ? "" : "s") in the browser"),
        ]
    }

    private mutating func checked(_ number: Int, attempt: Int, results: [BrowserCheckResult]) -> [ReviewAppAction] {
        guard var app = apps[number], app.state == .checking, let deploy = app.deploy, deploy.attempt == attempt
        else { return [] }
        app.checks = results
        app.state = .live
        let failing = zip(settings.checks, results).compactMap { check, result -> String? in
            let problems = result.problems(maxDiffRatio: settings.maxDiffRatio, expectStatus: check.expectStatus)
            return problems.isEmpty ? nil : "\(check.path): \(problems.joined(separator: ", "))"
        }
        let state: CommitState = failing.isEmpty ? .success : .failed
        if failing.isEmpty {
            let load = results.compactMap(\.loadMilliseconds).max().map { ", load \($0) ms" } ?? ""
            app.summary = "Review app up: \(results.count) page\(results.count == 1 ? "" : "s") pass\(load)."
        } else {
            app.summary = "Review app checks fail: " + failing.joined(separator: "; ") + "."
        }
        apps[number] = app
        return [
            .status(number: number, head: deploy.head, state: state, description: Self.cut(app.summary)),
            .note(number: number),
        ]
    }

    /// A commit status description fits in 140 characters.
    static func cut(_ text: String) -> String { text.count <= 140 ? text : String(text.prefix(139)) + "…" }
}

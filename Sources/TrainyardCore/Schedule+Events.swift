/// The schedule's state machine: events in, actions out.
extension Schedule {
    /// Applies one event; returns the claims to store with the new state and lines to log.
    public mutating func apply(_ event: ScheduleEvent) -> [ScheduleAction] {
        switch event {
        case .tick(let now): return tick(now: now)
        case .defined(let definition, let now): return define(definition, now: now)
        case .runRequested(let by, let now):
            var run = ScheduleRun(slot: now, trigger: .manual, by: by, at: now)
            run.retryAt = now
            runs.append(run)
            note("\(by) asked for a run", at: now)
            return [.claim(run.claim)]
        case .paused(let by, let now):
            guard pausedBy == nil else { return [] }
            pausedBy = by
            note("paused by \(by)", at: now)
            return [.log("schedule \(name) paused by \(by)")]
        case .resumed(let by, let now):
            guard pausedBy != nil else { return [] }
            pausedBy = nil
            // Slots while paused are not missed: the schedule goes on from now.
            nextSlot = nextSlot(after: now)
            note("resumed by \(by)", at: now)
            return [.log("schedule \(name) resumed by \(by)")]
        case .creationStarted(let claim, let now):
            update(claim) {
                $0.attempts += 1
                $0.retryAt = now.adding(milliseconds: 60_000)
            }
            return []
        case .pipelineCreated(let claim, let pipeline, let webURL, let status, let now):
            update(claim) {
                $0.state = .running
                $0.pipeline = pipeline
                $0.webURL = webURL
                $0.status = status
                $0.error = nil
                $0.retryAt = now.adding(milliseconds: Self.pollMilliseconds)
            }
            return [.log("schedule \(name) created pipeline \(pipeline)")] + observe(claim, status: status, now: now)
        case .creationFailed(let claim, let error, let permanent, let now):
            guard let run = runs.first(where: { $0.claim == claim }), run.state == .creating else { return [] }
            if !permanent && run.attempts < Self.maxCreationAttempts {
                update(claim) {
                    $0.error = error
                    $0.retryAt = now.adding(milliseconds: 5_000 << Int64(min(run.attempts, 6)))
                }
                return [.log("schedule \(name): creating the pipeline failed, will try again: \(error)")]
            }
            update(claim) {
                $0.state = .notCreated
                $0.error = error
                $0.retryAt = nil
                $0.finishedAt = now
            }
            let reason = "the pipeline could not be created: \(error)"
            return [.log("schedule \(name): \(reason)")] + failed(reason: reason, webURL: nil, now: now)
        case .pipelineObserved(let claim, let status, let now):
            return observe(claim, status: status, now: now)
        case .claimTaken(let claim, let now):
            guard runs.contains(where: { $0.claim == claim && $0.state == .creating }) else { return [] }
            runs.removeAll { $0.claim == claim }
            note("slot \(claim) was run before; not run again", at: now)
            return [.log("schedule \(name): slot \(claim) was claimed before; not run again")]
        case .noticeSent(let id, _):
            notices.removeAll { $0.id == id }
            return []
        case .noticeFailed(let id, let error, let sentTo, let now):
            guard let index = notices.firstIndex(where: { $0.id == id }) else { return [] }
            notices[index].attempts += 1
            notices[index].sentTo = Array(Set(notices[index].sentTo + sentTo)).sorted()
            if notices[index].attempts >= ScheduleNotice.maxAttempts {
                notices.remove(at: index)
                note("an alert could not be delivered and was dropped: \(error)", at: now)
                return [.log("schedule \(name): an alert could not be delivered and was dropped: \(error)")]
            }
            notices[index].retryAt = now.adding(milliseconds: 5_000 << Int64(notices[index].attempts))
            return []
        }
    }

    /// The first slot after `instant`; `nil` when the expression or the zone is unusable.
    func nextSlot(after instant: Instant) -> Instant? {
        guard let zone = definition.zone, let expression = try? definition.expression() else { return nil }
        return expression.nextFire(after: instant, in: zone)
    }

    private mutating func define(_ definition: ScheduleDefinition, now: Instant) -> [ScheduleAction] {
        let old = self.definition
        guard definition != old || nextSlot == nil else { return [] }
        self.definition = definition
        let timing =
            old.cron != definition.cron || old.timeZone != definition.timeZone || old.active != definition.active
        if timing || nextSlot == nil { nextSlot = nextSlot(after: now) }
        if definition != old { note("definition changed", at: now) }
        return []
    }

    /// Runs every slot whose time came; slots missed by more than the grace time are left to the
    /// missed-run policy.
    private mutating func tick(now: Instant) -> [ScheduleAction] {
        guard isRunning else { return [] }
        guard var slot = nextSlot else {
            nextSlot = nextSlot(after: now)
            return []
        }
        let jitter = definition.jitterMilliseconds
        var onTime: [Instant] = []
        var firstMissed: Instant?
        var lastMissed: Instant?
        var count = 0
        while slot.adding(milliseconds: jitter) <= now {
            if now.milliseconds - slot.adding(milliseconds: jitter).milliseconds > Self.graceMilliseconds {
                count += 1
                firstMissed = firstMissed ?? slot
                lastMissed = slot
            } else {
                onTime.append(slot)
            }
            guard let next = nextSlot(after: slot) else {
                nextSlot = nil
                break
            }
            slot = next
            nextSlot = next
            if count > 100_000 { break }
        }
        var actions: [ScheduleAction] = []
        if let first = firstMissed, let last = lastMissed {
            let span = count == 1 ? "the slot of \(text(first))" : "\(count) slots from \(text(first)) to \(text(last))"
            if definition.missed == .once && onTime.isEmpty {
                let run = ScheduleRun(slot: last, trigger: .catchUp, at: now)
                runs.append(run)
                actions.append(.claim(run.claim))
                note("missed \(span) while the service was down; ran one pipeline for them (missed: once)", at: now)
            } else {
                note(
                    "missed \(span) while the service was down; skipped (missed: \(definition.missed.rawValue))",
                    at: now)
            }
            actions.append(.log("schedule \(name): \(log.last?.text ?? "")"))
        }
        for slot in onTime {
            let run = ScheduleRun(slot: slot, trigger: .cron, at: now)
            runs.append(run)
            actions.append(.claim(run.claim))
        }
        return actions
    }

    private mutating func observe(_ claim: String, status: String, now: Instant) -> [ScheduleAction] {
        guard let run = runs.first(where: { $0.claim == claim }), run.state == .running else { return [] }
        let finished: ScheduleRun.State?
        switch status {
        case "success": finished = .success
        case "failed": finished = .failed
        case "canceled", "cancelled": finished = .canceled
        case "skipped": finished = .skipped
        default: finished = nil
        }
        guard let finished else {
            update(claim) {
                $0.status = status
                $0.retryAt = now.adding(milliseconds: Self.pollMilliseconds)
            }
            return []
        }
        update(claim) {
            $0.state = finished
            $0.status = status
            $0.retryAt = nil
            $0.finishedAt = now
        }
        trimRuns()
        let pipeline = run.pipeline.map { "pipeline #\($0)" } ?? "the pipeline"
        switch finished {
        case .failed, .canceled:
            return failed(
                reason: "\(pipeline) \(finished == .failed ? "failed" : "was cancelled")", webURL: run.webURL, now: now)
        case .success:
            guard let alert else { return [] }
            self.alert = nil
            let runs = alert.failures == 1 ? "1 failed run" : "\(alert.failures) failed runs"
            let text =
                "Schedule `\(name)` (\(definition.project), `\(definition.ref)`) recovered: \(pipeline) passed after \(runs)."
            return notify(.recovered, text: text, webURL: run.webURL, now: now)
        default:
            return []
        }
    }

    /// A run failed: the first failure of a streak raises an alert; later ones only count.
    private mutating func failed(reason: String, webURL: String?, now: Instant) -> [ScheduleAction] {
        if var alert {
            alert.failures += 1
            self.alert = alert
            return []
        }
        alert = ScheduleAlert(since: now, reason: reason, webURL: webURL)
        let text = "Schedule `\(name)` (\(definition.project), `\(definition.ref)`) is failing: \(reason)."
        return notify(.failing, text: text, webURL: webURL, now: now)
    }

    private mutating func notify(
        _ kind: ScheduleNotice.Kind, text: String, webURL: String?, now: Instant
    ) -> [ScheduleAction] {
        notices.append(ScheduleNotice(id: nextNoticeID, kind: kind, text: text, webURL: webURL, at: now))
        nextNoticeID += 1
        note(text, at: now)
        return [.log(text)]
    }

    private mutating func update(_ claim: String, _ change: (inout ScheduleRun) -> Void) {
        guard let index = runs.firstIndex(where: { $0.claim == claim }) else { return }
        change(&runs[index])
    }

    private func text(_ slot: Instant) -> String {
        definition.zone?.localText(at: slot) ?? ZoneRules.utc.localText(at: slot)
    }
}

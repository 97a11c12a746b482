import TrainyardCore

/// The timer every schedule keeps: its next slot, pipeline creation or look, or notice.
public enum ScheduleTimer {
    public static let wake = "wake"
}

/// Driving pipeline schedules: each is an owner with a durable wake-up, worked by its own driver
/// (under its lease when replicas run), like a train.
extension TrainEngine {
    /// Gives every configured schedule, and every stored one, a wake-up now, so that its driver
    /// starts, reads its definition and sets its next slot.
    public func wakeSchedules() async throws {
        let now = clock()
        var names = Set(scheduleDefinitions.keys)
        for stored in try await store.schedules() { names.insert(stored.name) }
        try await store.setTimers(
            names.sorted().map { TimerChange(owner: .schedule($0), name: ScheduleTimer.wake, .earliest(now)) })
    }

    /// Works schedule `name` after its timer fired: its definition, due slots, then each pipeline
    /// to create or look at and each notice to send.
    func driveSchedule(_ name: String, firing: [DueTimer]) async throws {
        let now = clock()
        let fired = firing.map { TimerChange(owner: $0.owner, name: $0.name, .fired($0.due)) }
        let stored = try await store.schedule(named: name)
        let configured = scheduleDefinitions[name]
        guard var schedule = stored ?? configured.map({ Schedule(definition: $0) }) else {
            return try await store.setTimers(fired)
        }
        if configured == nil, schedule.definition.origin == .config {
            logger.notice("schedule removed from the configuration", metadata: ["schedule": "\(name)"])
            return try await store.deleteSchedule(
                named: name, timers: fired + [wake(nil, name)], finishing: nil, at: now, fence: DriverLease.current)
        }
        var actions: [ScheduleAction] = []
        if let configured, configured != schedule.definition || schedule.nextSlot == nil {
            actions += schedule.apply(.defined(configured, now: now))
        }
        actions += schedule.apply(.tick(now: now))
        try await saveSchedule(&schedule, actions, extra: fired, at: now)
        try await performDue(&schedule)
    }

    /// A Pipeline Hook about a pipeline a schedule created: its status is taken at once (the
    /// minutely look at running pipelines is the fallback for hooks that are lost), and a failure
    /// alerts without waiting for that look.
    func observeScheduledPipeline(_ event: PipelineEvent, row: InboxRow) async throws {
        guard let mark = event.scheduled, var schedule = try await store.schedule(named: mark.schedule) else {
            return try await store.finishInbox(row.id, outcome: "no such schedule", at: clock())
        }
        guard let run = schedule.runs.first(where: { $0.claim == mark.claim }), run.pipeline == event.pipeline.value,
            schedule.definition.project == event.project.path, schedule.definition.forge == event.project.forge
        else {
            return try await store.finishInbox(row.id, outcome: "not a pipeline of this schedule's runs", at: clock())
        }
        let actions = schedule.apply(.pipelineObserved(claim: mark.claim, status: event.status, now: clock()))
        try await saveSchedule(&schedule, actions, finishing: .inbox(row.id, outcome: "applied"), at: clock())
        try await performDue(&schedule)
    }

    /// Creates the pipelines due, looks at the running ones and sends the notices due.
    func performDue(_ schedule: inout Schedule) async throws {
        let definition = schedule.definition
        let project = scheduleProject(definition)
        for run in schedule.creationsDue(now: clock()) {
            try await saveSchedule(&schedule, schedule.apply(.creationStarted(claim: run.claim, now: clock())))
            let event: ScheduleEvent
            do {
                guard let forge = forges[definition.forge] as? any SchedulingForge else {
                    throw PermanentError("no forge named \(definition.forge) that can create pipelines is configured")
                }
                var variables = definition.variables
                variables[ScheduleDefinition.scheduleVariable] = definition.name
                variables[ScheduleDefinition.slotVariable] = run.claim
                let pipeline = try await forge.createScheduledPipeline(
                    project: project, ref: definition.ref, variables: variables, searchEarlier: run.attempts > 0)
                event = .pipelineCreated(
                    claim: run.claim, pipeline: pipeline.id, webURL: pipeline.webURL, status: pipeline.status,
                    now: clock())
            } catch {
                if error is CancellationError || error is FencedError || isStopping { throw error }
                event = .creationFailed(
                    claim: run.claim, error: "\(error)", permanent: error is PermanentError, now: clock())
            }
            try await saveSchedule(&schedule, schedule.apply(event))
        }
        for run in schedule.pollsDue(now: clock()) {
            guard let pipeline = run.pipeline, let forge = forges[definition.forge] else { continue }
            let status: String
            do {
                status = try await forge.pipeline(project: project, id: PipelineID(pipeline)).status
            } catch {
                if error is CancellationError || isStopping { throw error }
                logger.warning(
                    "looking at a scheduled pipeline failed",
                    metadata: ["schedule": "\(schedule.name)", "pipeline": "\(pipeline)", "error": "\(error)"])
                status = run.status ?? "running"
            }
            try await saveSchedule(
                &schedule, schedule.apply(.pipelineObserved(claim: run.claim, status: status, now: clock())))
        }
        for notice in schedule.noticesDue(now: clock()) {
            try await saveSchedule(&schedule, schedule.apply(send(notice, of: definition)))
        }
    }

    /// Sends a notice to every alert destination that does not have it yet.
    private func send(_ notice: ScheduleNotice, of definition: ScheduleDefinition) async -> ScheduleEvent {
        let message = ScheduleMessage(
            schedule: definition.name, project: definition.project, ref: definition.ref, kind: notice.kind.rawValue,
            text: notice.text, webURL: notice.webURL, at: notice.at)
        var sent = notice.sentTo
        var errors: [String] = []
        for destination in alerts?.destinations ?? [] where !sent.contains(destination) {
            do {
                try await alerts?.send(message, to: destination)
                sent.append(destination)
            } catch {
                errors.append("\(destination): \(error)")
            }
        }
        if errors.isEmpty { return .noticeSent(id: notice.id, now: clock()) }
        logger.warning(
            "a schedule alert could not be sent",
            metadata: ["schedule": "\(definition.name)", "error": "\(errors.joined(separator: "; "))"])
        return .noticeFailed(id: notice.id, error: errors.joined(separator: "; "), sentTo: sent, now: clock())
    }

    /// Commits a schedule's state with its claims and wake-up. A claim stored before drops its run
    /// (``ScheduleEvent/claimTaken(claim:now:)``) and the state is committed again without it.
    func saveSchedule(
        _ schedule: inout Schedule, _ actions: [ScheduleAction], extra: [TimerChange] = [], finishing: Finishing? = nil,
        at: Instant? = nil
    ) async throws {
        var claims: [String] = []
        for action in actions {
            switch action {
            case .claim(let claim): claims.append(claim)
            case .log(let text): logger.info("\(text)", metadata: ["schedule": "\(schedule.name)"])
            }
        }
        while true {
            do {
                return try await store.commit(
                    schedule: schedule, claims: claims, timers: extra + [wake(schedule.wakeAt, schedule.name)],
                    finishing: finishing, at: at ?? clock(), fence: DriverLease.current)
            } catch let taken as ClaimTakenError {
                _ = schedule.apply(.claimTaken(claim: taken.claim, now: clock()))
                claims.removeAll { $0 == taken.claim }
                logger.notice(
                    "a schedule slot was claimed before; not run again",
                    metadata: ["schedule": "\(schedule.name)", "claim": "\(taken.claim)"])
            }
        }
    }

    func wake(_ at: Instant?, _ name: String) -> TimerChange {
        TimerChange(owner: .schedule(name), name: ScheduleTimer.wake, at.map { .set($0) } ?? .clear)
    }

    /// The project a schedule's pipelines run in: the configured one, or a bare one with its name.
    func scheduleProject(_ definition: ScheduleDefinition) -> ProjectSettings {
        let key = ProjectKey(forge: definition.forge, path: definition.project)
        return projects[key] ?? ProjectSettings(key: key, targets: [], gitURL: "", train: TrainSettings())
    }
}

import TrainyardCore

/// Commands about schedules (from the API and chat), applied by the schedule's own driver.
extension TrainEngine {
    func obey(_ event: ScheduleCommandEvent, row: InboxRow) async throws {
        let now = clock()
        let name = event.name
        let configured = scheduleDefinitions[name]
        let stored = try await store.schedule(named: name)
        func finish(_ outcome: String, reply: String) async throws {
            try await store.finishInbox(row.id, outcome: outcome, at: now)
            await answer(event, reply)
        }
        if case .define(var definition) = event.action {
            guard configured == nil else {
                return try await finish(
                    "refused: defined in the configuration",
                    reply: "Schedule `\(name)` is defined in the configuration; change it there.")
            }
            definition.origin = .api
            var schedule = stored ?? Schedule(definition: definition)
            let actions = schedule.apply(.defined(definition, now: now))
            try await saveSchedule(&schedule, actions, finishing: .inbox(row.id, outcome: "applied"), at: now)
            return await answer(event, "Schedule `\(name)` saved.")
        }
        guard var schedule = stored ?? configured.map({ Schedule(definition: $0) }) else {
            return try await finish("failed: no schedule named \(name)", reply: "There is no schedule named `\(name)`.")
        }
        if let configured, configured != schedule.definition {
            _ = schedule.apply(.defined(configured, now: now))
        }
        let described = "`\(name)` (\(schedule.definition.project), `\(schedule.definition.ref)`)"
        if let username = event.forgeUser,
            let refusal = try await scheduleRefusal(username, by: event.by, action: event.action, schedule.definition)
        {
            logger.notice("refused a chat command", metadata: ["by": "\(event.by)", "reason": "\(refusal)"])
            return try await finish("refused: \(refusal)", reply: "Refused: \(refusal).")
        }
        switch event.action {
        case .define:
            return
        case .delete:
            guard configured == nil else {
                return try await finish(
                    "refused: defined in the configuration",
                    reply: "Schedule `\(name)` is defined in the configuration; remove it there.")
            }
            try await store.deleteSchedule(
                named: name, timers: [wake(nil, name)], finishing: .inbox(row.id, outcome: "applied"), at: now,
                fence: DriverLease.current)
            return await answer(event, "Deleted schedule `\(name)`.")
        case .run:
            let actions = schedule.apply(.runRequested(by: event.by, now: now))
            try await saveSchedule(&schedule, actions, finishing: .inbox(row.id, outcome: "applied"), at: now)
            await answer(event, "Started a run of schedule \(described).")
            try await performDue(&schedule)
        case .pause:
            let actions = schedule.apply(.paused(by: event.by, now: now))
            try await saveSchedule(&schedule, actions, finishing: .inbox(row.id, outcome: "applied"), at: now)
            await answer(event, "Paused schedule \(described).")
        case .resume:
            let actions = schedule.apply(.resumed(by: event.by, now: now))
            try await saveSchedule(&schedule, actions, finishing: .inbox(row.id, outcome: "applied"), at: now)
            let next =
                schedule.nextFireAt.map { " Next run: \(schedule.definition.zone?.localText(at: $0) ?? "")." } ?? ""
            await answer(event, "Resumed schedule \(described).\(next)")
        }
    }

    /// Why a chat user may not run, pause or resume `definition`: nil when they may. Running takes
    /// the project's merge role (Developer by default), as creating a pipeline does on the forge;
    /// pausing and resuming take its control role (Maintainer), as owning a schedule does.
    private func scheduleRefusal(
        _ username: String, by: String, action: ScheduleCommandEvent.Action, _ definition: ScheduleDefinition
    ) async throws -> String? {
        let project = scheduleProject(definition)
        guard let forge = forges[project.key.forge] else {
            return "no forge named `\(project.key.forge)` is configured"
        }
        guard let id = try await forge.userID(project: project, username: username) else {
            return "the forge has no user `\(username)`"
        }
        let level = try await forge.accessLevel(project: project, userID: id)
        let needs = action == .run ? project.mergeAccessLevel : project.controlAccessLevel
        guard level < needs else { return nil }
        let what = action == .run ? "running a schedule" : "pausing and resuming a schedule"
        let has = level == 0 ? "is not a member of \(project.key.path)" : "has the \(Self.role(level)) role"
        return "\(what) takes the \(Self.role(needs)) role or higher in \(project.key.path), and \(by) \(has)"
    }

    /// Answers a chat command at its reply address (best effort: the outcome is in the API too).
    private func answer(_ event: ScheduleCommandEvent, _ text: String) async {
        guard let url = event.replyURL, let chat else { return }
        do {
            try await chat.reply(url: url, text: text)
        } catch {
            logger.warning("a chat reply could not be sent", metadata: ["error": "\(error)"])
        }
    }
}

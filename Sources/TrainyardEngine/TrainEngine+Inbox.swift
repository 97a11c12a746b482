import TrainyardCore

/// Turning stored deliveries into train events.
extension TrainEngine {
    func process(_ row: InboxRow) async throws {
        let finishing = { (outcome: String) in Finishing.inbox(row.id, outcome: outcome) }
        switch row.delivery.event {
        case .ignored(let kind):
            try await store.finishInbox(row.id, outcome: "ignored: \(kind)", at: clock())
        case .mergeRequest(let event):
            guard let project = projects[event.project], project.targets.contains(event.target) else {
                return try await store.finishInbox(row.id, outcome: "not managed", at: clock())
            }
            let trainEvent: TrainEvent?
            switch event.action {
            case .update: trainEvent = .changeUpdated(number: event.number, head: event.head)
            case .close: trainEvent = .changeClosed(number: event.number)
            case .merge: trainEvent = .changeMerged(number: event.number)
            case .open, .reopen, .approved, .other: trainEvent = nil
            }
            guard let trainEvent else {
                return try await store.finishInbox(row.id, outcome: "no train event", at: clock())
            }
            try await apply(
                [trainEvent], to: trainID(project, event.target), project: project,
                finishing: finishing("applied"))
        case .comment(let event):
            let commands = Command.parse(event.body, mention: mention)
            guard let project = projects[event.project], !commands.isEmpty else {
                return try await store.finishInbox(row.id, outcome: "no command", at: clock())
            }
            try await run(
                commands, on: event.number, in: project, by: "@\(event.author)", authorID: event.authorID, row: row)
        case .command(let event):
            guard let project = projects[event.project] else {
                return try await store.finishInbox(row.id, outcome: "not managed", at: clock())
            }
            try await run(
                [event.command], on: event.number, in: project, by: event.by, priority: event.priority,
                skipLine: event.skipLine, interruptsCars: event.interruptsCars, row: row)
        case .trainCommand(let event):
            guard let project = projects[event.project], project.targets.contains(event.target) else {
                return try await store.finishInbox(row.id, outcome: "not managed", at: clock())
            }
            let trainEvent: TrainEvent
            switch event.action {
            case .pause(let reason): trainEvent = .trainPaused(reason: reason, by: event.by)
            case .resume: trainEvent = .trainResumed(by: event.by)
            }
            try await apply(
                [trainEvent], to: trainID(project, event.target), project: project, finishing: finishing("applied"))
        case .push(let event):
            guard let project = projects[event.project], project.targets.contains(event.branch),
                let head = event.after
            else {
                return try await store.finishInbox(row.id, outcome: "not a target", at: clock())
            }
            try await apply(
                [.targetPushed(head: head)], to: trainID(project, event.branch), project: project,
                finishing: finishing("applied"))
        case .pipeline(let event):
            guard let project = projects[event.project], let (target, car) = Self.car(fromRef: event.ref),
                project.targets.contains(target), let state = event.state, event.source != "push"
            else {
                return try await store.finishInbox(row.id, outcome: "not a car pipeline", at: clock())
            }
            try await apply(
                [.pipelineUpdated(car: car, pipeline: event.pipeline, commit: event.sha, state: state)],
                to: trainID(project, target), project: project, finishing: finishing("applied"))
        }
    }

    /// Carries out commands about one merge request. The forge is asked for the merge request's
    /// current state first (a webhook is a hint, the API is the truth), and for the role of the
    /// person who commented: only members with `mergeAccessLevel` or more are obeyed. Everything
    /// the commands lead to is committed in one transaction with the finished inbox row.
    ///
    /// Only the driver of the merge request's train carries them out: a row held by any other
    /// owner (its project's driver, or a train the merge request no longer targets) is routed on
    /// to that train once the forge has named it.
    func run(
        _ commands: [Command], on number: Int, in project: ProjectSettings, by: String, authorID: Int? = nil,
        priority: Int = 0, skipLine: Bool = false, interruptsCars: Bool? = nil, row: InboxRow
    ) async throws {
        guard let forge = forges[project.key.forge] else { throw PermanentError("no forge \(project.key.forge)") }
        let info = try await forge.mergeRequest(project: project, number: number)
        let train = trainID(project, info.target)
        guard row.owner == .train(train) else {
            try await store.route(inbox: row.id, to: .train(train))
            drivers.ring(.train(train))
            return
        }
        let finishing = Finishing.inbox(row.id, outcome: "applied")
        if let refusal = try await refusal(info, project: project, forge: forge, by: by, authorID: authorID) {
            let reply = TrainAction.comment(change: number, body: refusal)
            return try await save(train: train, state: nil, actions: [reply], finishing: finishing, at: clock())
        }
        var events: [TrainEvent] = []
        var replies: [TrainAction] = []
        for command in commands {
            switch command {
            case .merge where info.state != "opened":
                replies.append(
                    .comment(
                        change: number,
                        body: "!\(number) is \(info.state), so it cannot go on the merge train. Only open merge "
                            + "requests can be merged."))
            case .merge where info.draft:
                replies.append(
                    .comment(
                        change: number,
                        body: "!\(number) is a draft. Mark it as ready, then comment `\(project.train.mergeCommand)`."))
            case .merge:
                let change = Change(
                    number: number, head: info.head, title: info.title, sourceBranch: info.sourceBranch,
                    requestedBy: by, enqueuedAt: clock(), priority: priority, skipLine: skipLine,
                    interruptsCars: interruptsCars)
                events.append(.changeEnqueued(change))
            case .cancel:
                events.append(.changeDequeued(number: number, by: by))
            }
        }
        if events.isEmpty {
            return try await save(train: train, state: nil, actions: replies, finishing: finishing, at: clock())
        }
        try await apply(events, to: train, project: project, also: replies, finishing: finishing)
    }

    /// Why a command about this merge request cannot be obeyed, as the reply to post; `nil` when
    /// it can.
    func refusal(
        _ info: MergeRequestInfo, project: ProjectSettings, forge: any ForgePort, by: String, authorID: Int?
    ) async throws -> String? {
        guard project.targets.contains(info.target) else {
            let managed = project.targets.map { "`\($0)`" }.joined(separator: ", ")
            return "Trainyard does not run a merge train for `\(info.target)` in this project (it runs one for "
                + "\(managed)). Change the target branch or add it to `targets` in Trainyard's configuration."
        }
        guard let authorID else { return nil }
        let level = try await forge.accessLevel(project: project, userID: authorID)
        guard level >= project.mergeAccessLevel else {
            let has = level == 0 ? "is not a member" : "has the \(Self.role(level)) role"
            return "\(by) cannot give Trainyard commands in this project: that takes the "
                + "\(Self.role(project.mergeAccessLevel)) role or higher, and \(by) \(has)."
        }
        return nil
    }

    /// GitLab's name for an access level.
    static func role(_ level: Int) -> String {
        switch level {
        case ..<1: return "no"
        case 1..<10: return "Minimal Access"
        case 10..<15: return "Guest"
        case 15..<20: return "Planner"
        case 20..<30: return "Reporter"
        case 30..<40: return "Developer"
        case 40..<50: return "Maintainer"
        default: return "Owner"
        }
    }

    /// Reads `trainyard/<target>/<car>` back into its parts; `nil` for any other branch.
    /// The target may itself contain slashes (`release/1.x`); the car number is the last part.
    public static func car(fromRef ref: String) -> (target: String, car: CarID)? {
        let branch = ref.hasPrefix("refs/heads/") ? String(ref.dropFirst("refs/heads/".count)) : ref
        guard branch.hasPrefix("trainyard/") else { return nil }
        let rest = branch.dropFirst("trainyard/".count)
        guard let slash = rest.lastIndex(of: "/") else { return nil }
        let target = String(rest[..<slash])
        guard !target.isEmpty, let number = Int(rest[rest.index(after: slash)...]), number > 0 else { return nil }
        return (target, CarID(number))
    }
}

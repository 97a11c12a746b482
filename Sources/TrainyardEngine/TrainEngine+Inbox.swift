import TrainyardCore

/// Turning stored deliveries into train events.
extension TrainEngine {
    func process(_ row: InboxRow) async throws {
        let finishing = { (outcome: String) in Finishing.inbox(row.id, outcome: outcome) }
        if case .reviewApps(let project)? = row.owner { return try await obeyReviewApps(row, project: project) }
        switch row.delivery.event {
        case .ignored(let kind):
            try await store.finishInbox(row.id, outcome: "ignored: \(kind)", at: clock())
        case .mergeRequest(let event):
            guard let project = projects[event.project], project.targets.contains(event.target) else {
                return try await store.finishInbox(row.id, outcome: "not managed", at: clock())
            }
            guard let trainEvent = try await confirmed(event, project: project) else {
                return try await store.finishInbox(row.id, outcome: "no train event", at: clock())
            }
            try await apply(
                [trainEvent], to: trainID(project, event.target), project: project,
                finishing: finishing("applied"))
        case .comment(let event):
            let commands = CommandGrammar.comment(event.body, mention: mention)
            guard let project = projects[event.project], !commands.isEmpty else {
                return try await store.finishInbox(row.id, outcome: "no command", at: clock())
            }
            try await obey(
                commands, on: event.number, in: project, by: "@\(event.author)", authorID: event.authorID, row: row)
        case .command(let event):
            guard let project = projects[event.project] else {
                return try await store.finishInbox(row.id, outcome: "not managed", at: clock())
            }
            let verb: CommandInvocation.Verb
            switch event.command {
            case .merge: verb = .merge
            case .cancel: verb = .cancel
            case .priority: verb = .priority
            case .retry: verb = .retry
            case .try: verb = .try
            case .reviewApp:
                // Routed to the project's review apps at intake; a row stored otherwise is not a train's.
                return try await store.finishInbox(row.id, outcome: "not a train command", at: clock())
            }
            let invocation = CommandInvocation(verb, priority: event.priority, skipLine: event.skipLine)
            try await obey(
                [.success(invocation)], on: event.number, in: project, by: event.by, forgeUser: event.forgeUser,
                interruptsCars: event.interruptsCars,
                replyTo: event.replyURL.map { ChatReplyTarget(url: $0, change: event.number) },
                row: row)
        case .scheduleCommand(let event):
            try await obey(event, row: row)
        case .trainCommand(let event):
            guard let project = projects[event.project], project.targets.contains(event.target) else {
                return try await store.finishInbox(row.id, outcome: "not managed", at: clock())
            }
            let train = trainID(project, event.target)
            let replies = event.replyURL.map { url in
                { (text: String) in [TrainAction.chatReply(url: url, text: text)] }
            }
            if let username = event.forgeUser,
                let refusal = try await trainControlRefusal(username, by: event.by, in: project)
            {
                logger.notice("refused a chat command", metadata: ["by": "\(event.by)", "reason": "\(refusal)"])
                return try await save(
                    train: train, state: nil, actions: replies?("Refused: \(refusal).") ?? [],
                    finishing: finishing("refused: \(refusal)"), at: clock())
            }
            let trainEvent: TrainEvent
            let done: String
            switch event.action {
            case .pause(let reason):
                trainEvent = .trainPaused(reason: reason, by: event.by)
                done = "Paused the merge train of `\(event.target)` in \(project.key.path) (\(reason))."
            case .resume:
                trainEvent = .trainResumed(by: event.by)
                done = "Resumed the merge train of `\(event.target)` in \(project.key.path)."
            }
            try await apply(
                [trainEvent], to: train, project: project, also: replies?(done) ?? [], finishing: finishing("applied"))
        case .push(let event):
            guard let project = projects[event.project], project.targets.contains(event.branch),
                let head = event.after
            else {
                return try await store.finishInbox(row.id, outcome: "not a target", at: clock())
            }
            try await apply(
                [.targetPushed(head: head)], to: trainID(project, event.branch), project: project,
                finishing: finishing("applied"))
        case .deployment:
            try await store.finishInbox(row.id, outcome: "not a train event", at: clock())
        case .check(let event):
            guard let project = projects[event.project], let (train, car) = carBranch(of: event) else {
                return try await store.finishInbox(row.id, outcome: "not a car's check", at: clock())
            }
            try await apply(
                [.checksReported(car: car, commit: event.sha)], to: train, project: project,
                finishing: finishing("applied"))
        case .pipeline(let event) where event.scheduled != nil:
            try await observeScheduledPipeline(event, row: row)
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

import TrainyardCore

/// Carrying out the commands about one merge request, from a comment or the API.
extension TrainEngine {
    /// Carries out `commands` (as ``CommandGrammar`` read them) about merge request `number`. The
    /// forge is asked for the merge request's current state first (a webhook is a hint, the API
    /// is the truth), and for the role of the person who commented: only members with
    /// `mergeAccessLevel` or more are obeyed, and `pause`, `resume` and `merge skip-line` take
    /// `controlAccessLevel`. A command that could not be read gets a reply saying what was wrong.
    /// Everything the commands lead to is committed in one transaction with the finished inbox row.
    ///
    /// Only the driver of the merge request's train carries them out: a row held by any other
    /// owner (its project's driver, or a train the merge request no longer targets) is routed on
    /// to that train once the forge has named it. `authorID` is nil for the API, whose token is
    /// trusted with every command.
    func obey(
        _ commands: [Result<CommandInvocation, CommandError>], on number: Int, in project: ProjectSettings, by: String,
        authorID: Int? = nil, forgeUser: String? = nil, interruptsCars: Bool? = nil, replyTo: ChatReplyTarget? = nil,
        row: InboxRow
    ) async throws {
        guard let forge = forges[project.key.forge] else { throw PermanentError("no forge \(project.key.forge)") }
        let info: MergeRequestInfo
        do {
            info = try await forge.mergeRequest(project: project, number: number)
        } catch let error as PermanentError {
            // A chat user was told the answer follows: say why none will (no such merge request).
            guard let replyTo, let target = project.targets.first else { throw error }
            let train = trainID(project, target)
            try await save(
                train: train, state: nil,
                actions: [.chatReply(url: replyTo.url, text: "\(project.key.path)!\(number) cannot be read: \(error)")],
                finishing: .inbox(row.id, outcome: "failed: \(error)"), at: clock())
            drivers.ring(.train(train))
            return
        }
        let train = trainID(project, info.target)
        guard row.owner == .train(train) else {
            try await store.route(inbox: row.id, to: .train(train))
            drivers.ring(.train(train))
            return
        }
        let finishing = Finishing.inbox(row.id, outcome: "applied")
        /// A refusal goes where the command came from: a note on the merge request for a comment,
        /// the chat user alone for a chat command (so chat cannot be used to fill merge requests
        /// with notes).
        func refused(_ text: String) -> [TrainAction] {
            guard forgeUser != nil else { return [.comment(change: number, body: text)] }
            return replyTo.map { [.chatReply(url: $0.url, text: text)] } ?? []
        }
        var authorID = authorID
        if let forgeUser {
            guard let id = try await forge.userID(project: project, username: forgeUser) else {
                let refusal =
                    "\(by) is mapped to the forge user `\(forgeUser)` in `chatops.users`, and the forge has no such "
                    + "user. Ask whoever runs Trainyard to correct the mapping."
                return try await save(
                    train: train, state: nil, actions: refused(refusal),
                    finishing: .inbox(row.id, outcome: "refused: the forge has no user `\(forgeUser)`"), at: clock())
            }
            authorID = id
        }
        let level = try await authorID.asyncMap { try await forge.accessLevel(project: project, userID: $0) }
        if let refusal = refusal(info, project: project, by: by, level: level, needs: project.mergeAccessLevel) {
            return try await save(
                train: train, state: nil, actions: refused(refusal), finishing: .inbox(row.id, outcome: "refused"),
                at: clock())
        }
        var events: [TrainEvent] = []
        var replies: [String] = []
        var refusals: [TrainAction] = []
        let merging = commands.contains { if case .success(let read) = $0 { read.verb == .merge } else { false } }
        let unready =
            merging && info.state == "opened" && !info.draft && !project.mergeChecks.isEmpty
            ? try await forge.unreadiness(project: project, change: info, checks: project.mergeChecks) : []
        for command in commands {
            let invocation: CommandInvocation
            switch command {
            case .failure(let error):
                replies.append("\(by): \(error) Comment `@\(mention) help` for the list of commands.")
                continue
            case .success(let read): invocation = read
            }
            let control = invocation.verb == .pause || invocation.verb == .resume || invocation.skipLine
            if control, let level, level < project.controlAccessLevel {
                let what = invocation.skipLine ? "`merge skip-line`" : "`\(invocation.verb.rawValue)`"
                refusals += refused(
                    "\(by) cannot use \(what) in this project: that takes the \(Self.role(project.controlAccessLevel)) "
                        + "role or higher, and \(by) has the \(Self.role(level)) role. Ask a "
                        + "\(Self.role(project.controlAccessLevel)) of the project.")
                continue
            }
            switch invocation.verb {
            case .merge where info.state != "opened":
                replies.append(
                    "!\(number) is \(info.state), so it cannot go on the merge train. Only open merge requests can be "
                        + "merged.")
            case .merge where info.draft:
                replies.append("!\(number) is a draft. Mark it as ready, then comment `\(project.train.mergeCommand)`.")
            case .merge where !unready.isEmpty:
                replies.append(
                    "!\(number) is not ready to merge: it needs \(Car.list(unready)). Comment "
                        + "`\(project.train.mergeCommand)` again once it has them; `merge_checks` in Trainyard's "
                        + "configuration says which of these apply.")
            case .merge:
                let change = Change(
                    number: number, head: info.head, title: info.title, sourceBranch: info.sourceBranch,
                    requestedBy: by, enqueuedAt: clock(), priority: invocation.priority ?? 0,
                    skipLine: invocation.skipLine, interruptsCars: interruptsCars)
                events.append(.changeEnqueued(change))
            case .cancel:
                events.append(.changeDequeued(number: number, by: by))
            case .pause:
                let reason = invocation.reason ?? "paused from !\(number)"
                events.append(.trainPaused(reason: reason, by: by))
                replies.append(
                    "Paused the merge train of `\(info.target)` (\(reason)): no new cars start until someone comments "
                        + "`@\(mention) resume`. Cars already testing finish and land.")
            case .resume:
                events.append(.trainResumed(by: by))
                replies.append("Resumed the merge train of `\(info.target)`.")
            case .reviewApp where project.reviewApps != nil:
                // The project's review-app driver got its own copy of the comment.
                continue
            case .reviewApp:
                replies.append("\(by): review apps are not configured for \(project.key.path).")
            case .schedule:
                replies.append(
                    "\(by): schedules are run from chat or the API, not from a merge request (`POST "
                        + "/api/v1/schedules/NAME/run`).")
            case .help:
                replies.append(Self.help(mention: mention, control: Self.role(project.controlAccessLevel)))
            case .status:
                let current = try await store.train(train)
                let recent = try await store.decisions(
                    DecisionQuery(
                        forge: train.forge, project: train.project, change: number, limit: DecisionRecord.statusLines))
                let standing =
                    current?.statusText(of: number, at: clock())
                    ?? "!\(number) is not on the merge train of `\(info.target)`."
                replies.append(standing + DecisionRecord.lines(recent))
            case .priority:
                events.append(.changeReprioritized(number: number, priority: invocation.priority ?? 0, by: by))
            case .retry:
                if let event = try await retried(number, info: info, train: train, by: by, replies: &replies) {
                    events.append(event)
                }
            case .try where info.state != "opened":
                replies.append("!\(number) is \(info.state), so there is nothing to try.")
            case .try:
                // A train that never read its target reads it first: a trial is built on it.
                if try await store.train(train)?.targetHead == nil {
                    events.append(.targetMoved(head: try await git.targetHead(project: project, target: info.target)))
                }
                events.append(
                    .changeTried(
                        Change(
                            number: number, head: info.head, title: info.title, sourceBranch: info.sourceBranch,
                            requestedBy: by, enqueuedAt: clock())))
            }
        }
        let actions = replies.map { TrainAction.comment(change: number, body: $0) } + refusals
        if events.isEmpty {
            return try await save(
                train: train, state: nil, actions: replyTo?.mirrored(actions) ?? actions, finishing: finishing,
                at: clock())
        }
        try await apply(events, to: train, project: project, also: actions, finishing: finishing, replyTo: replyTo)
    }

    /// Why a chat user may not pause or resume a train of `project`, nil when they may: it takes
    /// both `mergeAccessLevel` and `controlAccessLevel`.
    func trainControlRefusal(_ username: String, by: String, in project: ProjectSettings) async throws -> String? {
        guard let forge = forges[project.key.forge] else { throw PermanentError("no forge \(project.key.forge)") }
        guard let id = try await forge.userID(project: project, username: username) else {
            return "the forge has no user `\(username)`"
        }
        let level = try await forge.accessLevel(project: project, userID: id)
        let needs = max(project.mergeAccessLevel, project.controlAccessLevel)
        guard level < needs else { return nil }
        let has = level == 0 ? "is not a member" : "has the \(Self.role(level)) role"
        return "pausing and resuming take the \(Self.role(needs)) role or higher, and \(by) \(has)"
    }

    /// The reply to `help`: the commands this version carries out.
    static func help(mention: String, control: String) -> String {
        """
        Trainyard commands (one per line, at the start of the line):
        - `@\(mention) merge`: put this merge request on the merge train (also `r+`). Options: `p=N` for a \
        priority from -1000 to 1000 (higher goes first), `skip-line` to go ahead of everything (\(control)).
        - `@\(mention) cancel`: take it off the train (also `r-`).
        - `@\(mention) priority N` (also `p=N`): move it to the place priority N gives it, if no car holds it yet.
        - `@\(mention) pause [reason]`, `@\(mention) resume`: stop and restart new cars on this merge request's \
        train (\(control)).
        - `@\(mention) retry`: run its failed car again, or queue it again after its car failed.
        - `@\(mention) try`: test it alone on top of the target branch, without landing it.
        - `@\(mention) status`: where this merge request is on its train.
        - `@\(mention) help`: this list.
        """
    }

    /// Why a command about this merge request cannot be obeyed, as the reply to post; `nil` when
    /// it can. `level` is the commenter's role (nil for the API, which is not role-checked).
    func refusal(_ info: MergeRequestInfo, project: ProjectSettings, by: String, level: Int?, needs: Int) -> String? {
        guard project.targets.contains(info.target) else {
            let managed = project.targets.map { "`\($0)`" }.joined(separator: ", ")
            return "Trainyard does not run a merge train for `\(info.target)` in this project (it runs one for "
                + "\(managed)). Change the target branch or add it to `targets` in Trainyard's configuration."
        }
        guard let level, level < needs else { return nil }
        let has = level == 0 ? "is not a member" : "has the \(Self.role(level)) role"
        return "\(by) cannot give Trainyard commands in this project: that takes the \(Self.role(needs)) role or "
            + "higher, and \(by) \(has)."
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
}

extension Optional {
    /// `map` with an asynchronous, throwing transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

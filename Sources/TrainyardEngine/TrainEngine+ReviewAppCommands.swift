import TrainyardCore

/// `review-app deploy|stop|pin|unpin` from comments, chat and the API, applied by the project's
/// review-app driver with the person's role checked on the forge.
extension TrainEngine {
    /// A comment's `review-app` commands. A commenter without the project's merge role is answered
    /// by the train's driver, which reads the same comment; here their commands are only dropped.
    func obeyReviewAppComment(_ event: CommentEvent, row: InboxRow, project key: ProjectKey) async throws {
        let commands = CommandGrammar.comment(event.body, mention: mention).compactMap { result -> ReviewAppCommand? in
            guard case .success(let invocation) = result, invocation.verb == .reviewApp else { return nil }
            return invocation.reviewAppVerb
        }
        guard let project = projects[key], !commands.isEmpty, let forge = forges[key.forge] else {
            return try await store.finishInbox(row.id, outcome: "no review-app command", at: clock())
        }
        if let author = event.authorID {
            let level = try await forge.accessLevel(project: project, userID: author)
            guard level >= project.mergeAccessLevel else {
                return try await store.finishInbox(
                    row.id, outcome: "refused: role (answered on the merge request)", at: clock())
            }
        }
        try await applyReviewAppCommands(commands, on: event.number, by: "@\(event.author)", project: project, row: row)
    }

    /// A chat or API command. A chat user's forge role is checked, and the outcome answered at
    /// the command's `response_url`.
    func obeyReviewAppCommand(
        _ event: CommandEvent, _ command: ReviewAppCommand, row: InboxRow, project key: ProjectKey
    )
        async throws
    {
        guard let project = projects[key], let forge = forges[key.forge] else {
            return try await store.finishInbox(row.id, outcome: "not managed", at: clock())
        }
        func answer(_ text: String) async {
            guard let url = event.replyURL, let chat else { return }
            try? await chat.reply(url: url, text: text)
        }
        if let username = event.forgeUser {
            guard let id = try await forge.userID(project: project, username: username) else {
                await answer("Refused: the forge has no user `\(username)`.")
                return try await store.finishInbox(row.id, outcome: "refused: no such forge user", at: clock())
            }
            let level = try await forge.accessLevel(project: project, userID: id)
            guard level >= project.mergeAccessLevel else {
                let has = level == 0 ? "is not a member" : "has the \(Self.role(level)) role"
                await answer(
                    "Refused: review-app commands take the \(Self.role(project.mergeAccessLevel)) role or higher in "
                        + "\(key.path), and \(event.by) \(has).")
                return try await store.finishInbox(row.id, outcome: "refused: role", at: clock())
            }
        }
        try await applyReviewAppCommands([command], on: event.number, by: event.by, project: project, row: row)
        let summary = try await store.reviewApps(of: key)?.apps[event.number]?.summary
        await answer("Review app of \(key.path)!\(event.number): \(summary ?? "no review app").")
    }

    /// Tells the apps the merge request's current state (so that `deploy` can make an app), then
    /// the commands.
    private func applyReviewAppCommands(
        _ commands: [ReviewAppCommand], on number: Int, by: String, project: ProjectSettings, row: InboxRow
    ) async throws {
        guard let settings = project.reviewApps, let forge = forges[project.key.forge] else {
            return try await store.finishInbox(row.id, outcome: "no review apps", at: clock())
        }
        let info = try await forge.mergeRequest(project: project, number: number)
        let now = clock()
        var events: [ReviewAppEvent] = []
        if info.state == "opened" {
            events.append(
                .changeUpdated(
                    number: number, head: info.head, sourceBranch: info.sourceBranch, draft: info.draft, now: now))
        }
        events += commands.map { .command(number: number, $0, by: by, now: now) }
        var apps = try await store.reviewApps(of: project.key) ?? ReviewApps(settings: settings)
        apps.settings = settings
        try await runReviewApps(&apps, project: project, events, finishing: .inbox(row.id, outcome: "applied"))
    }

    /// Whether `project` runs review apps (chat asks before it stores a command).
    public nonisolated func hasReviewApps(_ project: ProjectKey) -> Bool { projects[project]?.reviewApps != nil }
}

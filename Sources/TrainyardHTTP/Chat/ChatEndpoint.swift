import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import TrainyardCore
import TrainyardEngine

/// `POST /chatops/slack` and `POST /chatops/mattermost`: slash commands in the shared command
/// language (`/train merge group/app!12`). The request is verified (Slack's signature and
/// timestamp, Mattermost's token), its chat user mapped to a forge user, its text read with
/// ``CommandGrammar``. What changes a train is stored as a delivery, like a webhook, and carried
/// out by the train's driver with the forge user's role checked; the answer, within the chat
/// service's deadline, says what was asked. Everything else (help, what could not be read, an
/// unmapped user) is answered at once, to the person alone, and stores nothing.
struct ChatEndpoint: Sendable {
    enum Source: String, Sendable {
        case slack, mattermost
        var name: String { self == .slack ? "Slack" : "Mattermost" }
    }

    let services: HTTPServices

    func receive(_ source: Source, _ request: Request) async throws -> Response {
        let settings = services.chatops
        let body: Data
        switch source {
        case .slack:
            guard let secret = settings.slackSigningSecret else {
                throw Self.disabled(source, key: "slack.signing_secret")
            }
            body = try await APIBody.collect(request, limit: settings.maxBodyBytes)
            // Slack checks the certificate of a slash command's URL now and then with a form of
            // `ssl_check=1` and no command; it wants a 200 and nothing else.
            if let form = try? FormBody(body), form["ssl_check"] == "1", form["user_id"] == nil {
                return JSONBody.response(.ok, ["status": "ok"])
            }
            try SlackSignature.verify(
                secret: secret, timestamp: request.headers[.slackTimestamp],
                signature: request.headers[.slackSignature],
                body: body, now: Date(), maxSkew: settings.maxClockSkew)
        case .mattermost:
            guard let token = settings.mattermostToken else { throw Self.disabled(source, key: "mattermost.token") }
            body = try await APIBody.collect(request, limit: settings.maxBodyBytes)
            let sent = request.headers[.authorization].flatMap {
                $0.hasPrefix("Token ") ? String($0.dropFirst(6)) : nil
            }
            let form = try? FormBody(body)
            guard let given = sent ?? form?["token"] else {
                throw APIError(
                    .unauthorized, "missing_token",
                    "Mattermost sends the command's token as `Authorization: Token <token>` or a `token` field; "
                        + "this request has neither.")
            }
            guard ConstantTimeEquality.equals(given, token) else {
                throw APIError(
                    .unauthorized, "invalid_token", "The token is not the command's: check `chatops.mattermost.token`.")
            }
        }
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            throw APIError(
                .badRequest, "invalid_form",
                "Slash commands are sent as `application/x-www-form-urlencoded`, not `\(type)`.")
        }
        let form = try FormBody(body)
        guard let userID = form["user_id"], !userID.isEmpty else {
            throw APIError(.badRequest, "invalid_form", "The form has no `user_id`: it is not a slash command.")
        }
        let command = form["command"].flatMap { $0.isEmpty ? nil : $0 } ?? "/train"
        guard let user = settings.users.first(where: { (source == .slack ? $0.slack : $0.mattermost) == userID }) else {
            return Self.reply(
                "Trainyard does not know who you are on the forge. Ask whoever runs Trainyard to add you under "
                    + "`chatops.users` with your forge username and `\(source.rawValue): \(userID)`.")
        }
        switch CommandGrammar.chat(form["text"] ?? "") {
        case .failure(let error):
            return Self.reply("\(error) Try `\(command) help`.")
        case .success(let (invocation, subject)):
            return try await act(
                invocation, on: subject, source: source, user: user, command: command, form: form, body: body)
        }
    }

    /// Stores what changes a train, or answers what does not.
    func act(
        _ invocation: CommandInvocation, on subject: CommandSubject?, source: Source, user: ChatOpsSettings.User,
        command: String, form: FormBody, body: Data
    ) async throws -> Response {
        if invocation.verb == .schedule {
            return try await actOnSchedule(
                invocation, on: subject, source: source, user: user, command: command, form: form, body: body)
        }
        let by = "@\(user.username) (\(source.name))"
        let project: ProjectKey
        switch subject {
        case nil:
            return Self.reply(Self.help(command))
        case .schedule, .schedules:
            return Self.reply("`\(invocation.written)` does not apply to a schedule. Try `\(command) help`.")
        case .mergeRequest(let path, _), .project(let path), .train(let path, _):
            guard let known = services.projects.first(where: { $0.forge == user.forge && $0.path == path }) else {
                return Self.reply("Trainyard manages no project `\(path)` on `\(user.forge)`.")
            }
            project = known
        }
        if case .train(_, let target)? = subject, let known = services.targets[project], !known.contains(target) {
            let runs = known.map { "`\($0)`" }.joined(separator: ", ")
            return Self.reply(
                "Trainyard runs no merge train for `\(target)` in \(project.path); it runs one for \(runs).")
        }
        if invocation.verb == .status, let subject {
            return Self.reply(try await statusText(subject, project: project))
        }
        let event: ForgeEvent
        let asked: String
        let replyURL = replyAddress(form["response_url"])
        switch (invocation.verb, subject) {
        case (.reviewApp, .mergeRequest(_, let number)):
            guard services.engine.hasReviewApps(project), let action = invocation.reviewAppVerb else {
                return Self.reply("Review apps are not configured for \(project.path).")
            }
            event = .command(
                CommandEvent(
                    project: project, number: number, command: .reviewApp(action), by: by, forgeUser: user.username,
                    replyURL: replyURL))
            asked =
                "\(by) asked Trainyard to `\(invocation.written)` \(project.path)!\(number)"
                + (replyURL == nil ? "." : "; the answer follows here.")
        case (.merge, .mergeRequest(_, let number)), (.cancel, .mergeRequest(_, let number)),
            (.priority, .mergeRequest(_, let number)), (.retry, .mergeRequest(_, let number)),
            (.try, .mergeRequest(_, let number)):
            let commands: [CommandInvocation.Verb: Command] = [
                .merge: .merge, .cancel: .cancel, .priority: .priority, .retry: .retry, .try: .try,
            ]
            event = .command(
                CommandEvent(
                    project: project, number: number, command: commands[invocation.verb] ?? .merge, by: by,
                    priority: invocation.priority ?? 0, skipLine: invocation.skipLine, forgeUser: user.username,
                    replyURL: replyURL))
            asked =
                "\(by) asked Trainyard to `\(invocation.written)` \(project.path)!\(number); the answer follows on the "
                + "merge request\(replyURL == nil ? "" : " and here")."
        case (.pause, .train(_, let target)), (.resume, .train(_, let target)):
            let reason = invocation.reason ?? "paused from \(source.name) by \(by)"
            event = .trainCommand(
                TrainCommandEvent(
                    project: project, target: target,
                    action: invocation.verb == .pause ? .pause(reason: reason) : .resume,
                    by: by, forgeUser: user.username, replyURL: replyURL))
            asked =
                "\(by) asked Trainyard to \(invocation.verb.rawValue) the merge train of `\(target)` in \(project.path)"
                + (invocation.verb == .pause ? " (\(reason))." : ".")
        default:
            // The grammar gives every verb the object it needs; this answers anything it may let by.
            return Self.reply(
                "`\(invocation.verb.rawValue)` does not apply to what the command names. Try `\(command) help`.")
        }
        let key = Self.deliveryKey(source, form: form, body: body)
        let delivery = Delivery(
            source: source.rawValue, key: key, kind: "\(source.name) \(invocation.verb.rawValue)", event: event)
        switch try await services.engine.accept(delivery) {
        case .stored: return Self.reply(asked, everyone: true)
        case .duplicate: return Self.reply("This command was received before; nothing more was done.")
        }
    }

    /// The command's `response_url` when later answers may go there: an `http(s)` address on one
    /// of ``ChatOpsSettings/replyHosts``; nil otherwise (the first answer is then the only one).
    func replyAddress(_ text: String?) -> String? {
        guard let text, text.utf8.count <= 2000, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = url.host?.lowercased(),
            services.chatops.replyHosts.contains(where: { $0.lowercased() == host })
        else { return nil }
        return text
    }

    /// The answer to `status`, read from the store: nothing is stored or changed.
    func statusText(_ subject: CommandSubject, project: ProjectKey) async throws -> String {
        let trains = try await services.store.trains()
            .filter { $0.id.forge == project.forge && $0.id.project == project.path }
            .sorted { $0.id < $1.id }
        switch subject {
        case .mergeRequest(_, let number):
            let holding =
                trains.first { $0.queue.contains { $0.number == number } }
                ?? trains.first { $0.recentlyLanded.contains { $0.number == number } }
            let recent = try await services.store.decisions(
                DecisionQuery(
                    forge: project.forge, project: project.path, change: number, limit: DecisionRecord.statusLines))
            guard let holding else {
                return "\(project.path)!\(number) is not on a merge train." + DecisionRecord.lines(recent)
            }
            return project.path + holding.statusText(of: number, at: Instant(Date())) + DecisionRecord.lines(recent)
        case .project:
            guard !trains.isEmpty else { return "\(project.path): no merge train has run yet." }
            return "\(project.path):\n" + trains.map(\.summaryText).joined(separator: "\n")
        case .train(_, let target):
            let summary = trains.first { $0.id.target == target }?.summaryText ?? "`\(target)`: nothing queued."
            return "\(project.path) \(summary)"
        case .schedule, .schedules:
            return "Schedules are listed with `schedule list`."
        }
    }

    /// Slack's `(team_id, trigger_id)`; else a hash of the body (Mattermost signs nothing, and a
    /// resent request is byte for byte the same).
    static func deliveryKey(_ source: Source, form: FormBody, body: Data) -> String {
        if source == .slack, let trigger = form["trigger_id"], !trigger.isEmpty {
            return String("\(form["team_id"] ?? "")/\(trigger)".prefix(200))
        }
        return "body-" + SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
    }

    /// An answer in the shape both Slack and Mattermost read: to the person alone (`ephemeral`)
    /// or to the channel (`in_channel`).
    static func reply(_ text: String, everyone: Bool = false) -> Response {
        JSONBody.response(.ok, ["response_type": everyone ? "in_channel" : "ephemeral", "text": text])
    }

    static func help(_ command: String) -> String {
        """
        Trainyard commands:
        `\(command) merge group/app!12 [p=N] [skip-line]` put a merge request on its merge train (also `r+`; \
        the merge request's web address works too)
        `\(command) cancel group/app!12` take it off (also `r-`)
        `\(command) priority group/app!12 N` (also `p=N`) move it to the place priority N gives it
        `\(command) pause group/app main [reason]`, `\(command) resume group/app main` stop and restart new cars
        `\(command) status group/app!12`, `\(command) status group/app [main]` where a merge request or the trains are
        `\(command) schedule run nightly`, `\(command) schedule pause nightly`, `\(command) schedule resume nightly` \
        run a pipeline schedule now, stop it, start it again
        `\(command) schedule list [group/app]` the pipeline schedules, their next and last runs
        `\(command) review-app deploy|stop|pin|unpin group/app!12` act on a merge request's review app
        `\(command) help` this list
        """
    }

    static func disabled(_ source: Source, key: String) -> APIError {
        APIError(
            .notFound, "chatops_disabled", "\(source.name) commands are off: set `chatops.\(key)` to turn them on.")
    }
}

extension HTTPField.Name {
    static let slackTimestamp = HTTPField.Name("X-Slack-Request-Timestamp")!
    static let slackSignature = HTTPField.Name("X-Slack-Signature")!
}

import Foundation
import Hummingbird
import TrainyardCore
import TrainyardEngine

/// `/train schedule run|pause|resume NAME` and `/train schedule list [group/app]`.
extension ChatEndpoint {
    /// Lists schedules at once, or stores a command about one as a delivery that the schedule's
    /// driver carries out after checking the chat user's role in the schedule's project.
    func actOnSchedule(
        _ invocation: CommandInvocation, on subject: CommandSubject?, source: Source, user: ChatOpsSettings.User,
        command: String, form: FormBody, body: Data
    ) async throws -> Response {
        let by = "@\(user.username) (\(source.name))"
        let schedules = try await services.allSchedules()
        switch (invocation.scheduleVerb, subject) {
        case (.list?, .schedules(let project)?):
            let shown = schedules.filter { $0.definition.forge == user.forge }
                .filter { project == nil || $0.definition.project == project }
            return Self.reply(Self.scheduleList(shown, project: project, now: Instant(Date())))
        case (let verb?, .schedule(let name)?) where verb != .list:
            guard let schedule = schedules.first(where: { $0.name == name }) else {
                return Self.reply("There is no schedule named `\(name)`. `\(command) schedule list` shows them.")
            }
            guard schedule.definition.forge == user.forge else {
                return Self.reply(
                    "Schedule `\(name)` runs on `\(schedule.definition.forge)`, and you are mapped to a user of "
                        + "`\(user.forge)` in `chatops.users`.")
            }
            let action: ScheduleCommandEvent.Action =
                switch verb {
                case .run: .run
                case .pause: .pause
                default: .resume
                }
            let replyURL = replyAddress(form["response_url"])
            let event = ScheduleCommandEvent(
                name: name, action: action, by: by, replyURL: replyURL, forgeUser: user.username)
            let delivery = Delivery(
                source: source.rawValue, key: Self.deliveryKey(source, form: form, body: body),
                kind: "\(source.name) schedule \(verb.rawValue)", event: .scheduleCommand(event))
            let asked =
                "\(by) asked Trainyard to \(verb.rawValue) schedule `\(name)` (\(schedule.definition.project), "
                + "`\(schedule.definition.ref)`)\(replyURL == nil ? "." : "; the answer follows here.")"
            switch try await services.engine.accept(delivery) {
            case .stored: return Self.reply(asked, everyone: true)
            case .duplicate: return Self.reply("This command was received before; nothing more was done.")
            }
        default:
            return Self.reply(
                "`\(invocation.written)` does not apply to what the command names. Try `\(command) help`.")
        }
    }

    /// One line per schedule: name, project and ref, cron and zone, the next run in the
    /// schedule's zone and in UTC, the last finished run, and what stops it (paused, inactive, an
    /// alert).
    static func scheduleList(_ schedules: [Schedule], project: String?, now: Instant) -> String {
        guard !schedules.isEmpty else {
            return project.map { "\($0) has no pipeline schedules." } ?? "There are no pipeline schedules."
        }
        let lines = schedules.map { schedule -> String in
            let definition = schedule.definition
            let zone = definition.zone ?? .utc
            var line =
                "`\(definition.name)` \(definition.project) `\(definition.ref)` `\(definition.cron)` \(definition.timeZone)"
            if let pausedBy = schedule.pausedBy {
                line += ": paused by \(pausedBy)"
            } else if !definition.active {
                line += ": inactive"
            } else if let next = schedule.nextFire(seenAt: now) {
                line += ": next \(zone.localText(at: next)) (\(ScheduleView.utc(next)))"
            } else {
                line += ": never fires"
            }
            if let last = schedule.lastFinished {
                let pipeline = last.pipeline.map { " #\($0)" } ?? ""
                line += "; last\(pipeline) \(last.state.rawValue)"
            }
            if let alert = schedule.alert {
                line += "; alert since \(ScheduleView.utc(alert.since)): \(alert.reason)"
            }
            return line
        }
        return (project.map { "Pipeline schedules of \($0):\n" } ?? "Pipeline schedules:\n")
            + lines.joined(separator: "\n")
    }
}

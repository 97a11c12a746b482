/// `schedule run NAME`, `schedule pause NAME`, `schedule resume NAME` and
/// `schedule list [group/app]`: pipeline schedules from chat.
extension CommandGrammar {
    /// The forms of `schedule`, for the replies that explain one.
    static let scheduleUsage =
        "`schedule run nightly`, `schedule pause nightly`, `schedule resume nightly` or `schedule list [group/app]`"

    /// Reads what follows `schedule` in a chat command.
    static func schedule(_ rest: ArraySlice<Substring>) -> Result<(CommandInvocation, CommandSubject?), CommandError> {
        guard let word = rest.first else {
            return .failure(CommandError("`schedule` needs what to do: \(scheduleUsage)."))
        }
        guard let verb = CommandInvocation.ScheduleVerb(rawValue: word.lowercased()) else {
            let nearest = CommandInvocation.ScheduleVerb.allCases.map(\.rawValue)
                .map { ($0, editDistance(word.lowercased(), $0)) }
                .filter { $0.1 <= (word.count <= 3 ? 1 : 2) }
                .min { $0.1 < $1.1 }?.0
            return .failure(
                CommandError(
                    "`\(word)` is not something `schedule` does: \(scheduleUsage).",
                    suggestion: nearest.map {
                        (["schedule", $0] + rest.dropFirst().map(String.init)).joined(separator: " ")
                    }
                ))
        }
        let invocation = CommandInvocation(.schedule, scheduleVerb: verb)
        let operands = rest.dropFirst()
        switch verb {
        case .list:
            guard let first = operands.first else { return .success((invocation, .schedules(project: nil))) }
            guard let project = project(first) else {
                return .failure(
                    CommandError(
                        "`\(first)` is not a project: `schedule list` takes a project's path, such as `group/app`, "
                            + "or nothing for every schedule."))
            }
            if let extra = operands.dropFirst().first {
                return .failure(
                    CommandError(
                        "`\(extra)` means nothing after `schedule list \(project)`.",
                        suggestion: "schedule list \(project)"))
            }
            return .success((invocation, .schedules(project: project)))
        case .run, .pause, .resume:
            guard let name = operands.first else {
                return .failure(
                    CommandError(
                        "`schedule \(verb.rawValue)` needs the schedule's name: `schedule \(verb.rawValue) nightly` "
                            + "(`schedule list` shows them)."))
            }
            guard ScheduleDefinition.isValidName(String(name)) else {
                return .failure(
                    CommandError(
                        "`\(name)` is not a schedule name: names are 1–64 letters, digits, `.`, `_` or `-` "
                            + "(`schedule list` shows them)."))
            }
            if let extra = operands.dropFirst().first {
                return .failure(
                    CommandError(
                        "`\(extra)` means nothing after `schedule \(verb.rawValue) \(name)`.",
                        suggestion: "schedule \(verb.rawValue) \(name)"))
            }
            return .success((invocation, .schedule(String(name))))
        }
    }

    /// The refusal of `schedule` in a merge request comment: schedules belong to no merge request.
    static let scheduleInComment = CommandError(
        "Schedules are run from chat or the API, not from a merge request: `/train schedule run nightly` in "
            + "Slack or Mattermost, or `POST /api/v1/schedules/nightly/run`.")
}

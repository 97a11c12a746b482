import Testing

@testable import TrainyardCore

/// The one command grammar: comments, chat, the nearest valid form for what is not one.
struct CommandGrammarTests {
    typealias Verb = CommandInvocation.Verb

    static func comment(_ text: String) -> [String] {
        CommandGrammar.comment(text).map { result in
            switch result {
            case .success(let invocation): invocation.written
            case .failure(let error): "error: \(error)"
            }
        }
    }

    @Test(arguments: [
        ("@trainyard merge", ["merge"]),
        ("@trainyard merge p=3", ["merge p=3"]),
        ("@trainyard merge skip-line p=-2", ["merge p=-2 skip-line"]),
        ("@trainyard merge please, the release is waiting", ["merge"]),
        ("@trainyard merge p=3 please", ["merge p=3"]),
        ("@trainyard r+", ["merge"]),
        ("@trainyard r+ p=5", ["merge p=5"]),
        ("@trainyard r-", ["cancel"]),
        ("@trainyard p=7", ["priority 7"]),
        ("@trainyard priority 7", ["priority 7"]),
        ("@trainyard priority", ["error: `priority` needs the new priority, a whole number: `priority 2` or `p=2`."]),
        ("@trainyard retry", ["retry"]),
        ("@trainyard try", ["try"]),
        ("@trainyard status", ["status"]),
        ("@trainyard pause release freeze until Monday", ["pause release freeze until Monday"]),
        ("@trainyard pause", ["pause"]),
        ("@trainyard resume", ["resume"]),
        ("@trainyard help", ["help"]),
        ("/merge p=2", ["merge p=2"]),
        ("/r+", ["merge"]),
        ("/assign @alice", []),
        ("/mergeable", []),
        ("@trainyard mrege", ["error: `mrege` is not a Trainyard command. Did you mean `@trainyard merge`?"]),
        ("@trainyard stauts", ["error: `stauts` is not a Trainyard command. Did you mean `@trainyard status`?"]),
        ("@trainyard deploy", ["error: `deploy` is not a Trainyard command."]),
        (
            "@trainyard merge p=5000",
            ["error: `5000` is not a priority: write a whole number from -1000 to 1000, for example `p=2`."]
        ),
        (
            "@trainyard merge p=high",
            ["error: `high` is not a priority: write a whole number from -1000 to 1000, for example `p=2`."]
        ),
        ("LGTM\n@trainyard merge\n```\n@trainyard cancel\n```\n/cancel", ["merge", "cancel"]),
        ("please comment `@trainyard merge` again", []),
        ("/schedule run nightly", []),
        ("@trainyard review-app deploy", ["review-app deploy"]),
        ("/review-app PIN", ["review-app pin"]),
        ("@trainyard review-app stop now please", ["review-app stop"]),
        (
            "@trainyard review-app",
            [
                "error: `review-app` needs what to do: `review-app deploy`, `review-app stop`, `review-app pin` or `review-app unpin`."
            ]
        ),
        (
            "@trainyard review-app deplyo",
            [
                "error: `deplyo` is not something `review-app` does: `review-app deploy`, `review-app stop`, `review-app pin` or `review-app unpin`. Did you mean `review-app deploy`?"
            ]
        ),
        (
            "@trainyard schedule run nightly",
            [
                "error: Schedules are run from chat or the API, not from a merge request: `/train schedule run "
                    + "nightly` in Slack or Mattermost, or `POST /api/v1/schedules/nightly/run`."
            ]
        ),
    ])
    func readsComments(text: String, expected: [String]) {
        #expect(Self.comment(text) == expected)
    }

    static func chat(_ text: String) -> String {
        switch CommandGrammar.chat(text) {
        case .success(let (invocation, subject)):
            return [invocation.written, subject.map { "@ \($0)" }].compactMap { $0 }.joined(separator: " ")
        case .failure(let error):
            return "error: \(error)"
        }
    }

    @Test(arguments: [
        ("merge group/app!12", "merge @ group/app!12"),
        ("MERGE group/app!12 p=2 skip-line", "merge p=2 skip-line @ group/app!12"),
        ("r+ group/sub/app!12 p=2", "merge p=2 @ group/sub/app!12"),
        ("r- group/app!12", "cancel @ group/app!12"),
        ("merge https://gitlab.example.com/group/app/-/merge_requests/12", "merge @ group/app!12"),
        ("merge https://gitlab.example.com/group/app/-/merge_requests/12/diffs#note_1", "merge @ group/app!12"),
        ("merge <https://gitlab.example.com/group/app/-/merge_requests/12|!12>", "merge @ group/app!12"),
        ("merge http://host:8080/a/b/merge_requests/3", "merge @ a/b!3"),
        ("priority group/app!12 5", "priority 5 @ group/app!12"),
        ("priority 5 group/app!12", "priority 5 @ group/app!12"),
        ("p=5 group/app!12", "priority 5 @ group/app!12"),
        ("retry group/app!12", "retry @ group/app!12"),
        ("try group/app!12", "try @ group/app!12"),
        ("status group/app!12", "status @ group/app!12"),
        ("status group/app", "status @ group/app"),
        ("status group/app main", "status @ group/app main"),
        ("pause group/app main release freeze", "pause release freeze @ group/app main"),
        ("pause group/app main", "pause @ group/app main"),
        ("resume group/app main", "resume @ group/app main"),
        ("", "help"),
        ("help", "help"),
        ("help merge", "help"),
        ("schedule run nightly", "schedule run @ nightly"),
        ("review-app deploy group/app!12", "review-app deploy @ group/app!12"),
        ("review-app group/app!12 unpin", "review-app unpin @ group/app!12"),
        ("SCHEDULE Pause nightly-2.x", "schedule pause @ nightly-2.x"),
        ("schedule resume deps_update", "schedule resume @ deps_update"),
        ("schedule list", "schedule list @ every project"),
        ("schedule list group/sub/app", "schedule list @ group/sub/app"),
    ])
    func readsChatCommands(text: String, expected: String) {
        #expect(Self.chat(text) == expected)
    }

    @Test(arguments: [
        ("mrege group/app!12", "error: `mrege` is not a Trainyard command. Did you mean `merge group/app!12`?"),
        ("merg group/app!12", "error: `merg` is not a Trainyard command. Did you mean `merge group/app!12`?"),
        ("cancle group/app!12", "error: `cancle` is not a Trainyard command. Did you mean `cancel group/app!12`?"),
        ("puase group/app main", "error: `puase` is not a Trainyard command. Did you mean `pause group/app main`?"),
        ("r= group/app!12", "error: `r=` is not a Trainyard command. Did you mean `r+ group/app!12`?"),
        ("deploy group/app", "error: `deploy` is not a Trainyard command."),
        ("merge", "error: `merge` needs a merge request: `merge group/app!12` or the merge request's web address."),
        (
            "merge group/app",
            "error: `merge` needs a merge request, and `group/app` is a project. Did you mean `merge group/app!12`?"
        ),
        (
            "merge !12",
            "error: `!12` does not say which project: write the project's path before the `!`. Did you mean `merge group/app!12`?"
        ),
        (
            "merge app!12",
            "error: `merge` needs a merge request: `merge group/app!12` or the merge request's web address."
        ),
        (
            "merge group/app!0",
            "error: `merge` needs a merge request: `merge group/app!12` or the merge request's web address."
        ),
        (
            "merge group/app!12 please",
            "error: `please` means nothing after `merge`. Did you mean `merge group/app!12`?"
        ),
        (
            "merge group/app!12 p=2 now",
            "error: `now` means nothing after `merge`. Did you mean `merge group/app!12 p=2`?"
        ),
        ("cancel group/app!12 p=2", "error: `p=2` means nothing after `cancel`. Did you mean `cancel group/app!12`?"),
        ("priority group/app!12", "error: `priority` needs the new priority, a whole number: `priority 2` or `p=2`."),
        (
            "priority group/app!12 9999",
            "error: `9999` is not a priority: write a whole number from -1000 to 1000, for example `p=2`."
        ),
        ("status", "error: `status` needs a merge request or a project: `status group/app!12` or `status group/app`."),
        (
            "status nothing",
            "error: `nothing` is neither a merge request (`group/app!12`) nor a project (`group/app`). Did you mean `status group/app!12`?"
        ),
        ("pause", "error: `pause` needs a project and its target branch: `pause group/app main release freeze`."),
        (
            "pause group/app",
            "error: `pause` needs the target branch after the project. Did you mean `pause group/app main`?"
        ),
        (
            "resume group/app main now",
            "error: `now` means nothing after `resume`. Did you mean `resume group/app main`?"
        ),
        (
            "merge group/../app!12",
            "error: `merge` needs a merge request: `merge group/app!12` or the merge request's web address."
        ),
        (
            "merge https://gitlab.example.com/group/app/-/issues/12",
            "error: `merge` needs a merge request: `merge group/app!12` or the merge request's web address."
        ),
        (
            "schedule",
            "error: `schedule` needs what to do: `schedule run nightly`, `schedule pause nightly`, "
                + "`schedule resume nightly` or `schedule list [group/app]`."
        ),
        (
            "schedule rnu nightly",
            "error: `rnu` is not something `schedule` does: `schedule run nightly`, `schedule pause nightly`, "
                + "`schedule resume nightly` or `schedule list [group/app]`. Did you mean `schedule run nightly`?"
        ),
        (
            "schedule delete nightly",
            "error: `delete` is not something `schedule` does: `schedule run nightly`, `schedule pause nightly`, "
                + "`schedule resume nightly` or `schedule list [group/app]`."
        ),
        (
            "schedule run",
            "error: `schedule run` needs the schedule's name: `schedule run nightly` (`schedule list` shows them)."
        ),
        (
            "schedule run ../etc",
            "error: `../etc` is not a schedule name: names are 1–64 letters, digits, `.`, `_` or `-` (`schedule list` shows them)."
        ),
        (
            "schedule run nightly now",
            "error: `now` means nothing after `schedule run nightly`. Did you mean `schedule run nightly`?"
        ),
        (
            "schedule list app",
            "error: `app` is not a project: `schedule list` takes a project's path, such as `group/app`, or nothing for every schedule."
        ),
        (
            "schedule list group/app main",
            "error: `main` means nothing after `schedule list group/app`. Did you mean `schedule list group/app`?"
        ),
        (
            "review-app deploy",
            "error: `review-app` needs a merge request: `review-app deploy group/app!12` or the merge request's web address."
        ),
        (
            "review-app deploy group/app!12 now",
            "error: `now` means nothing after `review-app deploy`. Did you mean `review-app deploy group/app!12`?"
        ),
        (
            "shcedule run nightly",
            "error: `shcedule` is not a Trainyard command. Did you mean `schedule run nightly`?"
        ),
    ])
    func explainsWhatIsWrong(text: String, expected: String) {
        #expect(Self.chat(text) == expected)
    }

    @Test(arguments: [
        ("merge", "merge", 0), ("mrege", "merge", 1), ("merg", "merge", 1), ("mergee", "merge", 1),
        ("statsu", "status", 1), ("", "help", 4), ("abc", "", 3), ("kitten", "sitting", 3),
    ])
    func editDistanceCountsSwapsAsOne(a: String, b: String, distance: Int) {
        #expect(CommandGrammar.editDistance(a, b) == distance)
        #expect(CommandGrammar.editDistance(b, a) == distance)
    }

    /// Every valid chat command written out from random parts reads back as the same command and
    /// subject; the same text with its verb misspelt by one letter is refused with that command
    /// as the suggestion.
    @Test(arguments: [1, 2, 3])
    func chatCommandsReadBackAsWritten(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let project = ["group/app", "a/b/c", "team.x/my-app_2"][Int.random(in: 0..<3, using: &random)]
            let number = 1 + Int.random(in: 0..<5000, using: &random)
            var invocation: CommandInvocation
            let subject: CommandSubject
            let text: String
            switch Int.random(in: 0..<7, using: &random) {
            case 0:
                invocation = CommandInvocation(.merge)
                if Int.random(in: 0..<2, using: &random) == 0 {
                    invocation.priority = Int.random(in: 0..<2001, using: &random) - 1000
                }
                invocation.skipLine = Int.random(in: 0..<2, using: &random) == 0
                subject = .mergeRequest(project: project, number: number)
                let options = invocation.written.split(separator: " ").dropFirst().joined(separator: " ")
                text = "merge \(project)!\(number) \(options)"
            case 1:
                invocation = CommandInvocation(.priority, priority: Int.random(in: 0..<2001, using: &random) - 1000)
                subject = .mergeRequest(project: project, number: number)
                text = "priority \(project)!\(number) \(invocation.priority!)"
            case 2:
                let verb = [Verb.cancel, .retry, .try][Int.random(in: 0..<3, using: &random)]
                invocation = CommandInvocation(verb)
                subject = .mergeRequest(project: project, number: number)
                text = "\(verb.rawValue) https://gitlab.example.com/\(project)/-/merge_requests/\(number)"
            case 3:
                invocation = CommandInvocation(.status)
                subject = .project(project)
                text = "status \(project)"
            case 4:
                let reason =
                    Int.random(in: 0..<2, using: &random) == 0
                    ? nil : ["freeze", "release 2.0 is going out"][Int.random(in: 0..<2, using: &random)]
                invocation = CommandInvocation(.pause, reason: reason)
                subject = .train(project: project, target: "main")
                text = "pause \(project) main \(reason ?? "")"
            case 5:
                let verb = CommandInvocation.ScheduleVerb.allCases[Int.random(in: 0..<4, using: &random)]
                invocation = CommandInvocation(.schedule, scheduleVerb: verb)
                let name = ["nightly", "deps-update", "report_2.x"][Int.random(in: 0..<3, using: &random)]
                if verb == .list {
                    subject = .schedules(project: project)
                    text = "schedule list \(project)"
                } else {
                    subject = .schedule(name)
                    text = "schedule \(verb.rawValue) \(name)"
                }
            default:
                invocation = CommandInvocation(.resume)
                subject = .train(project: project, target: "release/1.x")
                text = "resume \(project) release/1.x"
            }
            guard case .success(let (read, readSubject)) = CommandGrammar.chat(text) else {
                Issue.record("refused: \(text)")
                continue
            }
            #expect(read == invocation, "\(text)")
            #expect(readSubject == subject, "\(text)")

            let verbWord = String(text.prefix { $0 != " " })
            guard verbWord.count >= 5 else { continue }
            var letters = Array(verbWord)
            letters.swapAt(1, 2)
            let misspelt = String(letters) + text.dropFirst(verbWord.count)
            guard case .failure(let error) = CommandGrammar.chat(misspelt) else {
                Issue.record("accepted: \(misspelt)")
                continue
            }
            #expect(
                error.suggestion == text.split(whereSeparator: \.isWhitespace).joined(separator: " "), "\(misspelt)")
        }
    }
}

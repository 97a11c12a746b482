/// One command as a person wrote it, in any channel (a merge request comment, a Slack or
/// Mattermost slash command, the API): what to do and its options. ``CommandGrammar`` reads it.
public struct CommandInvocation: Hashable, Sendable {
    /// What to do.
    public enum Verb: String, CaseIterable, Hashable, Sendable {
        /// Put the merge request on its train (`r+`).
        case merge
        /// Take it off (`r-`).
        case cancel
        /// Run the failed car of this change again, once.
        case retry
        /// Build and test the change on the target in a car of its own; never land it.
        case `try`
        /// Change the change's priority (`p=N`).
        case priority
        /// Where the change or the train is: position, car, pipeline, what is ahead.
        case status
        /// Stop starting new cars on a train.
        case pause
        /// Start them again.
        case resume
        /// Run, pause, resume or list pipeline schedules (chat only): ``CommandInvocation/scheduleVerb``.
        case schedule
        /// Deploy, stop, pin or unpin the merge request's review app:
        /// ``CommandInvocation/reviewAppVerb``. Written `review-app`.
        case reviewApp = "review-app"
        /// List the commands.
        case help
    }

    /// What `schedule` does: `schedule run nightly`, `schedule list group/app`.
    public enum ScheduleVerb: String, CaseIterable, Hashable, Sendable {
        /// Create a pipeline of the schedule now, apart from its slots.
        case run
        /// Stop firing it until it is resumed.
        case pause
        case resume
        /// The schedules, their next runs and their last results.
        case list
    }

    public var verb: Verb
    /// `merge p=N`, `priority N`: a higher priority goes ahead of lower ones (-1000 to 1000).
    public var priority: Int?
    /// `merge skip-line`: ahead of every change without it, into the next car.
    public var skipLine: Bool
    /// `pause` followed by words: why the train is paused.
    public var reason: String?
    /// What a `schedule` command does.
    public var scheduleVerb: ScheduleVerb?
    /// What a `review-app` command does.
    public var reviewAppVerb: ReviewAppCommand?

    public init(
        _ verb: Verb, priority: Int? = nil, skipLine: Bool = false, reason: String? = nil,
        scheduleVerb: ScheduleVerb? = nil, reviewAppVerb: ReviewAppCommand? = nil
    ) {
        self.reviewAppVerb = reviewAppVerb
        self.verb = verb
        self.priority = priority
        self.skipLine = skipLine
        self.reason = reason
        self.scheduleVerb = scheduleVerb
    }

    /// The command as it would be written, options included: `merge p=2 skip-line`.
    public var written: String {
        var words = [verb.rawValue]
        if let scheduleVerb { words.append(scheduleVerb.rawValue) }
        if let reviewAppVerb { words.append(reviewAppVerb.rawValue) }
        if verb == .priority, let priority { words.append("\(priority)") }
        if verb == .merge, let priority { words.append("p=\(priority)") }
        if skipLine { words.append("skip-line") }
        if let reason { words.append(reason) }
        return words.joined(separator: " ")
    }
}

/// What a chat command is about: chat has no merge request page to stand on, so a command
/// names its object.
public enum CommandSubject: Hashable, Sendable, CustomStringConvertible {
    /// `group/app!12`, or the merge request's web address.
    case mergeRequest(project: String, number: Int)
    /// `group/app`.
    case project(String)
    /// `group/app main`: the train of one target branch.
    case train(project: String, target: String)
    /// `nightly`: one pipeline schedule, by name.
    case schedule(String)
    /// The schedules of one project (`group/app`), or of every project.
    case schedules(project: String?)

    public var description: String {
        switch self {
        case .schedule(let name): name
        case .schedules(let project): project ?? "every project"
        case .mergeRequest(let project, let number): "\(project)!\(number)"
        case .project(let project): project
        case .train(let project, let target): "\(project) \(target)"
        }
    }
}

/// Why a command could not be read: what was wrong, and the nearest valid form when there is
/// one. Its description is the reply a person gets.
public struct CommandError: Error, Hashable, Sendable, CustomStringConvertible {
    public var problem: String
    /// A valid command close to what was written, e.g. `merge group/app!12` for `mrege group/app!12`.
    public var suggestion: String?

    public init(_ problem: String, suggestion: String? = nil) {
        self.problem = problem
        self.suggestion = suggestion
    }

    public var description: String {
        guard let suggestion else { return problem }
        return "\(problem) Did you mean `\(suggestion)`?"
    }
}

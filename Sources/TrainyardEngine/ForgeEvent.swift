import TrainyardCore

/// A webhook or command decoded into what Trainyard needs of it, whatever forge it came from.
/// Stored in the inbox as JSON; the engine turns it into ``TrainEvent``s.
public enum ForgeEvent: Hashable, Codable, Sendable {
    case mergeRequest(MergeRequestEvent)
    case comment(CommentEvent)
    case push(PushEvent)
    case pipeline(PipelineEvent)
    /// A command given over the REST API or a chat tool.
    case command(CommandEvent)
    /// A command about a whole train: pause or resume.
    case trainCommand(TrainCommandEvent)
    /// A command about a pipeline schedule (run now, pause, resume, define, delete).
    case scheduleCommand(ScheduleCommandEvent)
    /// A deployment to an environment started, ended or failed (GitLab's Deployment Hook).
    case deployment(DeploymentEvent)
    /// A check run, commit status, check suite or workflow run changed on a commit (GitHub).
    case check(CheckEvent)
    /// A delivery Trainyard does not act on, kept for the record.
    case ignored(kind: String)
}

/// A project as a webhook names it.
public struct ProjectKey: Hashable, Codable, Sendable, CustomStringConvertible {
    public var forge: String
    public var path: String
    public init(forge: String, path: String) {
        self.forge = forge
        self.path = path
    }
    public var description: String { "\(forge):\(path)" }
}

public struct MergeRequestEvent: Hashable, Codable, Sendable {
    public enum Action: String, Hashable, Codable, Sendable {
        case open, update, close, merge, reopen, approved, other
    }
    public var project: ProjectKey
    public var number: Int
    public var action: Action
    public var head: SHA
    public var target: String
    public var state: String

    public init(project: ProjectKey, number: Int, action: Action, head: SHA, target: String, state: String) {
        self.project = project
        self.number = number
        self.action = action
        self.head = head
        self.target = target
        self.state = state
    }
}

public struct CommentEvent: Hashable, Codable, Sendable {
    public var project: ProjectKey
    public var number: Int
    public var author: String
    /// The author's numeric id on the forge, used to check their role before obeying a command.
    public var authorID: Int?
    public var body: String
    /// The merge request's target branch as the webhook gave it, used to route the comment to its
    /// train when it is stored; `nil` in deliveries stored before it was read.
    public var target: String?
    /// The forge's id of the comment; with it the comment is stored once (``CommentSnapshot/deliveryKey(_:)``),
    /// whether its webhook or the reconciler brought it.
    public var commentID: Int?

    public init(
        project: ProjectKey, number: Int, author: String, authorID: Int? = nil, body: String, target: String? = nil,
        commentID: Int? = nil
    ) {
        self.commentID = commentID
        self.project = project
        self.number = number
        self.author = author
        self.authorID = authorID
        self.body = body
        self.target = target
    }
}

public struct PushEvent: Hashable, Codable, Sendable {
    public var project: ProjectKey
    /// The branch name, without `refs/heads/`.
    public var branch: String
    /// The new head; `nil` when the branch was deleted.
    public var after: SHA?

    public init(project: ProjectKey, branch: String, after: SHA?) {
        self.project = project
        self.branch = branch
        self.after = after
    }
}

public struct PipelineEvent: Hashable, Codable, Sendable {
    public var project: ProjectKey
    public var pipeline: PipelineID
    /// The branch the pipeline ran for.
    public var ref: String
    public var sha: SHA
    /// The forge's status word (`running`, `success`, …).
    public var status: String

    public init(project: ProjectKey, pipeline: PipelineID, ref: String, sha: SHA, status: String, source: String? = nil)
    {
        self.project = project
        self.pipeline = pipeline
        self.ref = ref
        self.sha = sha
        self.status = status
        self.source = source
    }

    /// Where the pipeline came from (`api`, `push`, …), when the forge says.
    public var source: String?
    /// The schedule and slot of a pipeline a schedule created (from its variables).
    public var scheduled: ScheduledPipelineMark?
    /// The merge request and attempt of a review app's deploy or stop pipeline (from its variables).
    public var reviewApp: ReviewAppPipelineMark?

    /// The status as the train sees it; `nil` for states that mean nothing to it: a `skipped`
    /// pipeline is the record GitLab keeps of a push made with `ci.skip`, never a car's test.
    public var state: PipelineState? {
        switch status {
        case "created", "waiting_for_resource", "preparing", "pending", "scheduled", "queued": return .pending
        case "running", "in_progress": return .running
        case "success": return .success
        case "failed": return .failed
        case "canceled", "cancelled": return .canceled
        default: return nil
        }
    }
}

public struct CommandEvent: Hashable, Codable, Sendable {
    public var project: ProjectKey
    public var number: Int
    public var command: Command
    /// Who gave the command (`api`, a chat user).
    public var by: String
    /// For `merge`: the priority (higher goes ahead) and whether to skip the line.
    public var priority: Int
    public var skipLine: Bool
    /// For `merge` with a priority or skip-line: whether it may cancel cars to go ahead of the
    /// changes they hold (`nil` means it may).
    public var interruptsCars: Bool?
    /// The forge username of a chat user who gave the command; their role on the forge is
    /// checked as a commenter's is. `nil` for the REST API, whose token is trusted.
    public var forgeUser: String?
    /// Where the outcome is answered later for a chat command (its `response_url`).
    public var replyURL: String?

    public init(
        project: ProjectKey, number: Int, command: Command, by: String, priority: Int = 0, skipLine: Bool = false,
        interruptsCars: Bool? = nil, forgeUser: String? = nil, replyURL: String? = nil
    ) {
        self.interruptsCars = interruptsCars
        self.forgeUser = forgeUser
        self.replyURL = replyURL
        self.project = project
        self.number = number
        self.command = command
        self.by = by
        self.priority = priority
        self.skipLine = skipLine
    }
}

public struct TrainCommandEvent: Hashable, Codable, Sendable {
    public enum Action: Hashable, Codable, Sendable {
        case pause(reason: String)
        case resume
    }
    public var project: ProjectKey
    public var target: String
    public var action: Action
    public var by: String
    /// The forge username of a chat user who gave the command (see ``CommandEvent/forgeUser``).
    public var forgeUser: String?
    /// Where the outcome is answered later for a chat command (its `response_url`).
    public var replyURL: String?

    public init(
        project: ProjectKey, target: String, action: Action, by: String, forgeUser: String? = nil,
        replyURL: String? = nil
    ) {
        self.forgeUser = forgeUser
        self.replyURL = replyURL
        self.project = project
        self.target = target
        self.action = action
        self.by = by
    }
}

/// The marks a scheduled pipeline carries: ``ScheduleDefinition/scheduleVariable`` and
/// ``ScheduleDefinition/slotVariable``.
public struct ScheduledPipelineMark: Hashable, Codable, Sendable {
    public var schedule: String
    /// The run's claim (`slot@…` or `manual@…`).
    public var claim: String

    public init(schedule: String, claim: String) {
        self.schedule = schedule
        self.claim = claim
    }
}

/// The marks a review app's deploy or stop pipeline carries (``ReviewAppVariables``).
public struct ReviewAppPipelineMark: Hashable, Codable, Sendable {
    public var number: Int
    public var attempt: Int
    public var stopping: Bool

    public init(number: Int, attempt: Int, stopping: Bool) {
        self.number = number
        self.attempt = attempt
        self.stopping = stopping
    }

    /// Reads the marks from a pipeline's variables; nil when they are not a review app's.
    public init?(variables: (String) -> String?) {
        guard let slug = variables(ReviewAppVariables.slug), slug.hasPrefix("mr-"),
            let number = Int(slug.dropFirst(3)), number > 0,
            let attempt = variables(ReviewAppVariables.attempt).flatMap(Int.init), attempt > 0,
            let action = variables(ReviewAppVariables.action), action == "deploy" || action == "stop"
        else { return nil }
        self.init(number: number, attempt: attempt, stopping: action == "stop")
    }
}

/// A deployment to an environment, as the forge reported it.
public struct DeploymentEvent: Hashable, Codable, Sendable {
    public var project: ProjectKey
    /// The environment's name (`review/mr-12`).
    public var environment: String
    /// `running`, `success`, `failed`, `canceled` (newer GitLab: `blocked`).
    public var status: String
    /// The environment's URL, when the deploy job set one.
    public var externalURL: String?

    public init(project: ProjectKey, environment: String, status: String, externalURL: String?) {
        self.project = project
        self.environment = environment
        self.status = status
        self.externalURL = externalURL
    }
}

/// One check on a commit changed (GitHub's `check_run`, `status`, `check_suite` and
/// `workflow_run`). One check is not a car's verdict: the car's train asks the forge for the
/// verdict of all its required checks (``CheckVerdict``) when one of them moves.
public struct CheckEvent: Hashable, Codable, Sendable {
    public var project: ProjectKey
    public var sha: SHA
    /// The branches the forge says the commit is on (a car's is `trainyard/<target>/<car>`).
    public var branches: [String]
    /// The check run's name, the status's context, or the workflow's or app's name.
    public var name: String
    public var outcome: CheckVerdict.Outcome

    public init(project: ProjectKey, sha: SHA, branches: [String], name: String, outcome: CheckVerdict.Outcome) {
        self.project = project
        self.sha = sha
        self.branches = branches
        self.name = name
        self.outcome = outcome
    }
}

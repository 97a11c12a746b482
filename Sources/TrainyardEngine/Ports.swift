import TrainyardCore

/// A project as the adapters need it: its names and where its repository lives.
public struct ProjectSettings: Hashable, Sendable {
    public var key: ProjectKey
    public var targets: [String]
    /// The URL the git adapter clones and pushes (credentials are not part of it).
    public var gitURL: String
    public var train: TrainSettings
    /// The ref that holds a change's head on the forge, with `{number}` for its number
    /// (`refs/merge-requests/{number}/head` on GitLab).
    public var changeRef: String
    /// The least project role (GitLab's access level: 30 Developer, 40 Maintainer) whose members
    /// may give commands in comments.
    public var mergeAccessLevel: Int
    /// The least role whose members may pause and resume a train and let a change skip the line
    /// (`merge skip-line`) from a comment: 40, Maintainer, by default.
    public var controlAccessLevel: Int
    /// Review apps of the project's merge requests; nil when they are off.
    public var reviewApps: ReviewAppSettings?
    /// On a forge whose CI is many checks per commit (GitHub): the checks a car needs, besides
    /// those the target's branch protection and rulesets require (`required_checks`).
    public var requiredChecks: [String] = []
    /// Push options sent with a car's branch: GitLab's `ci.skip` (Trainyard creates the car's
    /// pipeline itself); none on GitHub, where the push is what starts the car's workflows.
    public var carPushOptions: [String] = ["ci.skip"]
    /// What `merge` requires of a change besides being open and not a draft (`merge_checks`). The
    /// service's configuration defaults to ``MergeCheck/defaults``; none here.
    public var mergeChecks: Set<MergeCheck> = []

    public init(
        key: ProjectKey, targets: [String], gitURL: String, train: TrainSettings,
        changeRef: String = "refs/merge-requests/{number}/head", mergeAccessLevel: Int = 30,
        controlAccessLevel: Int = 40, reviewApps: ReviewAppSettings? = nil
    ) {
        self.reviewApps = reviewApps
        self.key = key
        self.targets = targets
        self.gitURL = gitURL
        self.train = train
        self.changeRef = changeRef
        self.mergeAccessLevel = mergeAccessLevel
        self.controlAccessLevel = controlAccessLevel
    }

    /// The ref of change `number`'s head on the forge.
    public func changeRef(_ number: Int) -> String {
        changeRef.replacing("{number}", with: String(number))
    }
}

/// What the engine needs of git: the target's head, car builds, landings, branch clean-up.
public protocol GitPort: Sendable {
    func targetHead(project: ProjectSettings, target: String) async throws -> SHA
    /// Merges `changes` one after the other onto `base` and pushes the result to branch `ref`.
    func buildCar(project: ProjectSettings, ref: String, base: SHA, changes: [Change]) async throws -> CarBuild
    /// Moves `target` from `expected` to `commit`, only by fast-forward and only if it is still at
    /// `expected`.
    func land(project: ProjectSettings, target: String, commit: SHA, expected: SHA) async throws -> Landing
    func deleteBranch(project: ProjectSettings, branch: String) async throws
    /// Tidies the project's local repository (never the forge): forgets the fetched heads of
    /// merge requests not in `keeping` and every fetched car, and packs and prunes what nothing
    /// refers to any more. Returns how many refs it dropped.
    @discardableResult
    func maintain(project: ProjectSettings, keeping changes: Set<Int>) async throws -> Int
}

public enum CarBuild: Hashable, Sendable {
    case built(SHA)
    case conflict(change: Int, paths: [String])
    /// A change's head could not be fetched or merged for a reason that is not a conflict.
    case unusable(change: Int, message: String)
}

public enum Landing: Hashable, Sendable {
    case landed
    case rejected(String)
}

/// A merge request as the forge reports it now.
public struct MergeRequestInfo: Hashable, Sendable {
    public var number: Int
    public var title: String
    public var state: String
    public var head: SHA
    public var sourceBranch: String
    public var target: String
    /// A draft is not ready to merge.
    public var draft: Bool

    public init(
        number: Int, title: String, state: String, head: SHA, sourceBranch: String, target: String, draft: Bool = false
    ) {
        self.number = number
        self.title = title
        self.state = state
        self.head = head
        self.sourceBranch = sourceBranch
        self.target = target
        self.draft = draft
    }
}

/// What the engine needs of a forge's REST API.
public protocol ForgePort: Sendable {
    func mergeRequest(project: ProjectSettings, number: Int) async throws -> MergeRequestInfo
    /// The user's role in the project as the forge's access level (0 when not a member).
    func accessLevel(project: ProjectSettings, userID: Int) async throws -> Int
    /// The id of the forge user with `username`, to check the role of a chat user mapped to it;
    /// nil when there is none.
    func userID(project: ProjectSettings, username: String) async throws -> Int?
    /// Creates a pipeline for branch `ref` at `commit`. Safe to repeat: a pipeline an earlier try
    /// created (which GitLab may have made before failing to answer) is returned instead.
    func createPipeline(project: ProjectSettings, ref: String, commit: SHA) async throws -> (id: PipelineID, sha: SHA)
    func cancelPipeline(project: ProjectSettings, pipeline: PipelineID) async throws
    /// A car's pipeline, named by its id and by the car's branch: on a forge whose CI is many
    /// checks on the branch's commit (GitHub) the branch is what names them. By default the id
    /// alone.
    func carPipeline(project: ProjectSettings, id: PipelineID, branch: String) async throws -> (
        status: String, sha: SHA
    )
    /// Cancels a car's pipeline, named by its id and by the car's branch; by default the id alone.
    func cancelCarPipeline(project: ProjectSettings, id: PipelineID, branch: String) async throws
    /// The pipeline's status word (`running`, `success`, …) and commit, as the forge reports them now.
    func pipeline(project: ProjectSettings, id: PipelineID) async throws -> (status: String, sha: SHA)
    func setStatus(project: ProjectSettings, sha: SHA, state: CommitState, description: String) async throws
    /// Posts a note on change `number`. Safe to repeat with the same `key`: a note an earlier try
    /// posted is found and not posted again.
    func comment(project: ProjectSettings, number: Int, body: String, key: String) async throws
    /// The open merge requests into `target` that changed at or after `since` (all of them when
    /// `since` is nil), for the reconciler (``TrainEngine/reconcile(_:project:firing:)``).
    func openMergeRequests(project: ProjectSettings, target: String, since: Instant?) async throws -> [ChangeSnapshot]
    /// The comments on change `number` written at or after `since`, oldest first.
    func comments(project: ProjectSettings, number: Int, since: Instant) async throws -> [CommentSnapshot]
    /// What keeps `change` from being ready to merge among `checks`, one short phrase each
    /// (`1 more approval`, `conflicts with main`); empty when it is ready.
    func unreadiness(project: ProjectSettings, change: MergeRequestInfo, checks: Set<MergeCheck>) async throws
        -> [String]
}

extension ForgePort {
    public func carPipeline(
        project: ProjectSettings, id: PipelineID, branch: String
    ) async throws -> (status: String, sha: SHA) {
        try await pipeline(project: project, id: id)
    }

    public func cancelCarPipeline(project: ProjectSettings, id: PipelineID, branch: String) async throws {
        try await cancelPipeline(project: project, pipeline: id)
    }
}

/// What the engine needs of chat services: answering a slash command later, at the reply
/// address that came with it.
public protocol ChatPort: Sendable {
    /// Posts `text` to `url` (a Slack or Mattermost `response_url`), seen by the person alone.
    /// Throws ``PermanentError`` when the address refuses for good (expired, used up).
    func reply(url: String, text: String) async throws
}

/// Where the results of a chat command go: its reply address, and the merge request whose notes
/// are repeated there (nil for a train command).
public struct ChatReplyTarget: Hashable, Codable, Sendable {
    public var url: String
    public var change: Int?

    public init(url: String, change: Int?) {
        self.url = url
        self.change = change
    }

    /// Slack allows 5 posts to one `response_url` in 30 minutes; one command never sends more
    /// than this many.
    public static let maxReplies = 4

    /// `actions` with a ``TrainAction/chatReply(url:text:)`` added for each comment on the
    /// command's merge request (at most ``maxReplies``).
    public func mirrored(_ actions: [TrainAction]) -> [TrainAction] {
        let texts = actions.compactMap { action -> String? in
            guard case .comment(let number, let body) = action, change == nil || change == number else { return nil }
            return body
        }
        return actions + texts.prefix(Self.maxReplies).map { .chatReply(url: url, text: $0) }
    }

    /// After a chat command about a change: the train remembers its address, with the posts
    /// already made, so that the change's later notes follow (see ``followed(_:train:now:)``).
    public func follow(_ train: inout Train, posted: Int, now: Instant) {
        guard let change, train.position(of: change) != nil else { return }
        var followers = train.chatFollowers ?? [:]
        followers[change] = ChatFollower(
            url: url, until: now.adding(milliseconds: ChatFollower.lifetime), posts: posted)
        train.chatFollowers = followers
    }

    /// `actions` with a ``TrainAction/chatReply(url:text:)`` added for each note on a change a chat
    /// command follows, while its address takes posts; followers whose change left the train or
    /// whose address expired are forgotten.
    public static func followed(_ actions: [TrainAction], train: inout Train, now: Instant) -> [TrainAction] {
        guard var followers = train.chatFollowers, !followers.isEmpty else { return actions }
        var replies: [TrainAction] = []
        for action in actions {
            guard case .comment(let number, let body) = action, var follower = followers[number],
                follower.until > now, follower.posts < ChatFollower.maxPosts
            else { continue }
            replies.append(.chatReply(url: follower.url, text: body))
            follower.posts += 1
            followers[number] = follower
        }
        followers = followers.filter { number, follower in
            follower.until > now && follower.posts < ChatFollower.maxPosts && train.position(of: number) != nil
        }
        train.chatFollowers = followers.isEmpty ? nil : followers
        return actions + replies
    }
}

/// An error an adapter knows will not go away by retrying (a 4xx from the forge, a refused ref).
public struct PermanentError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

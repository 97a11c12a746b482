import Foundation

/// A project (repository) hosted by ``FakeGitLab``.
public struct FakeProject: Sendable, Hashable {
    /// The numeric project id, 1 for the first project created.
    public let id: Int
    /// The full path, such as `group/app` (GitLab's `path_with_namespace`).
    public let path: String
    /// A `file://` URL of the bare repository: clone, fetch and push here. Pushes run the real post-receive hook.
    public let gitURL: URL
    /// The branch the repository was created with.
    public let defaultBranch: String

    /// The last component of ``path`` (GitLab's `path` and `name`).
    public var name: String { path.split(separator: "/").last.map(String.init) ?? path }
    /// Everything before the last component of ``path``, empty for a top-level project.
    public var namespace: String { path.split(separator: "/").dropLast().joined(separator: "/") }
}

/// A comment on a merge request.
public struct FakeNote: Sendable, Hashable {
    public let id: Int
    /// Changed in place when the note is edited (`PUT …/notes/:id`).
    public internal(set) var body: String
    /// The username of whoever wrote it; notes posted through the API belong to the fake's bot user.
    public let author: String
    public let createdAt: Date
}

/// The fake's record of a merge request.
public struct FakeMergeRequest: Sendable, Hashable {
    /// The instance-wide id (GitLab's `id`).
    public let id: Int
    /// The per-project number (GitLab's `iid`).
    public let iid: Int
    public let projectID: Int
    public let title: String
    public let sourceBranch: String
    public let targetBranch: String
    /// The username of the author.
    public let author: String
    /// `opened`, `closed` or `merged`.
    public internal(set) var state: String
    /// The head commit of the source branch, kept up to date by pushes to it while the merge request is open.
    public internal(set) var sha: String
    /// Set when a push to the target branch merged it: the first first-parent commit of the target that contains ``sha``.
    public internal(set) var mergeCommitSha: String?
    /// All comments, oldest first.
    public internal(set) var comments: [FakeNote]
    /// Usernames of the approvers, in approval order.
    public internal(set) var approvedBy: [String]
    public let createdAt: Date
    public internal(set) var updatedAt: Date
    public internal(set) var mergedAt: Date?
    public internal(set) var closedAt: Date?

    /// The bodies of ``comments``, oldest first.
    public var notes: [String] { comments.map(\.body) }
}

/// One accepted `POST /projects/:id/statuses/:sha` call.
public struct FakeCommitStatus: Sendable, Hashable {
    /// GitLab's status id. A post that moves a pending or running status on (to running, success, ...) keeps the id.
    public let id: Int
    public let sha: String
    public let ref: String?
    /// The `name` (or `context`) parameter, `default` when neither was given.
    public let name: String
    /// `pending`, `running`, `success`, `failed`, `canceled` or `skipped`.
    public let state: String
    public let description: String?
    public let targetURL: String?
    /// The newest pipeline for the sha (and ref) when there was one, or the `pipeline_id` parameter.
    public let pipelineID: Int?
    public let createdAt: Date
}

/// A CI pipeline run by the fake.
public struct FakePipeline: Sendable, Hashable {
    /// The instance-wide id, shared by all projects.
    public let id: Int
    /// The per-project number.
    public let iid: Int
    public let projectID: Int
    public let ref: String
    public let sha: String
    /// The branch head before the push for `push` pipelines; forty zeros otherwise.
    public let beforeSha: String
    /// `pending`, `running`, `success`, `failed` or `canceled`.
    public internal(set) var status: String
    /// `api` for `POST /projects/:id/pipeline`, `push` for a push without the `ci.skip` push option.
    public let source: String
    /// The username the pipeline ran for: the API bot user, or the pusher.
    public let user: String
    public let createdAt: Date
    public internal(set) var startedAt: Date?
    public internal(set) var finishedAt: Date?
    public internal(set) var updatedAt: Date
    /// The variables it was created with.
    public internal(set) var variables: [String: String] = [:]

    /// Whether the pipeline reached a final status.
    public var isFinished: Bool { ["success", "failed", "canceled", "skipped"].contains(status) }
}

/// One webhook delivery attempt, recorded once the receiver answered (or could not be reached).
public struct FakeDelivery: Sendable, Hashable {
    /// 1 for the first delivery recorded, then 2, 3, ... in delivery order.
    public let sequence: Int
    /// The `X-Gitlab-Event` header: `Merge Request Hook`, `Note Hook`, `Push Hook` or `Pipeline Hook`.
    public let event: String
    /// The `X-Gitlab-Event-UUID` header, also sent as `Idempotency-Key`. A redelivery repeats it.
    public let uuid: String
    /// The `X-Gitlab-Webhook-UUID` header, one per registered webhook.
    public let webhookUUID: String
    /// Where it was sent.
    public let url: URL
    /// `object_attributes.action` for merge request hooks, `object_attributes.status` for pipeline hooks,
    /// `create` for note hooks, `nil` for push hooks.
    public let action: String?
    /// The JSON payload, byte for byte as sent.
    public let body: Data
    /// The receiver's HTTP status, or `nil` when the request failed (see ``error``).
    public let statusCode: Int?
    /// Why the request failed, when it did.
    public let error: String?
    /// Whether this was sent by ``FakeGitLab/redeliver(_:)``.
    public let isRedelivery: Bool
    let token: String

    /// The payload parsed with `JSONSerialization`.
    public func json() throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
    }
}

/// One request to the REST API, as logged by the fake (internal endpoints are not logged).
public struct FakeRequest: Sendable, Hashable {
    /// `GET`, `POST`, ...
    public let method: String
    /// The path as sent, still percent-encoded: `/api/v4/projects/group%2Fapp/statuses/<sha>`.
    public let path: String
    /// The raw query string, if any.
    public let query: String?
    /// The request body decoded as UTF-8.
    public let body: String
    /// The `User-Agent` header.
    public var userAgent: String? = nil
    /// When the fake read the request, and when it answered.
    public var received = ContinuousClock.now
    public internal(set) var answered: ContinuousClock.Instant? = nil
    /// The status the fake answered with.
    public internal(set) var status: Int
}

/// What the CI policy sees of a pipeline that was just created.
public struct FakeCIJob: Sendable {
    public let projectID: Int
    public let projectPath: String
    public let pipelineID: Int
    public let ref: String
    public let sha: String
    /// `api` or `push`.
    public let source: String
    /// Every file of the commit's tree, by path, decoded as UTF-8.
    public let files: [String: String]
    /// The variables the pipeline was created with (`POST /pipeline` with `variables`).
    public var variables: [String: String] = [:]

    /// The contents of one file of the commit, `nil` if there is none at `path`.
    public func file(_ path: String) -> String? {
        files[path]
    }
}

/// How a pipeline ends, as decided by the CI policy (see ``FakeGitLab/setCIPolicy(_:)``).
public struct FakePipelineOutcome: Sendable, Hashable {
    /// The final status: `success`, `failed` or `canceled`.
    public var status: String
    /// How long the pipeline keeps running before it finishes.
    public var delay: Duration

    public init(status: String, delay: Duration = .milliseconds(50)) {
        self.status = status
        self.delay = delay
    }

    public static let success = FakePipelineOutcome(status: "success")
    public static let failed = FakePipelineOutcome(status: "failed")
    public static let canceled = FakePipelineOutcome(status: "canceled")

    /// Success after `delay`.
    public static func success(after delay: Duration) -> FakePipelineOutcome {
        FakePipelineOutcome(status: "success", delay: delay)
    }

    /// Failure after `delay`.
    public static func failed(after delay: Duration) -> FakePipelineOutcome {
        FakePipelineOutcome(status: "failed", delay: delay)
    }
}

/// Errors from the setup methods of ``FakeGitLab``.
public enum FakeGitLabError: Error, CustomStringConvertible {
    case notStarted
    case invalidName(String)
    case projectExists(String)
    case projectNotFound(String)
    case branchExists(project: String, branch: String)
    case branchNotFound(project: String, branch: String)
    case noHookTransport
    case git(arguments: [String], status: Int32, stderr: String)

    public var description: String {
        switch self {
        case .notStarted:
            return "FakeGitLab is not running: call start() first"
        case .invalidName(let name):
            return "'\(name)' is not a valid project path or branch name"
        case .projectExists(let path):
            return "project \(path) already exists"
        case .projectNotFound(let path):
            return "no project \(path)"
        case .branchExists(let project, let branch):
            return "branch \(branch) already exists in \(project)"
        case .branchNotFound(let project, let branch):
            return "no branch \(branch) in \(project)"
        case .noHookTransport:
            return "neither curl nor bash was found in PATH: the post-receive hook cannot reach the fake"
        case .git(let arguments, let status, let stderr):
            return "git \(arguments.joined(separator: " ")) exited with \(status): \(stderr)"
        }
    }
}

import Foundation
import Logging
import TrainyardCore
import TrainyardEngine

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// How Trainyard speaks to GitHub: a token (a fine-grained or classic personal access token), or
/// as a GitHub App through installation tokens.
public enum GitHubAuth: Sendable {
    case token(String)
    case app(GitHubInstallationTokens)
}

/// GitHub's REST API (github.com at `https://api.github.com`, GitHub Enterprise Server at
/// `https://HOST/api/v3`): pull requests, permissions, comments, Trainyard's own check run or
/// commit status, and a car's CI read as the verdict of its required checks (``CheckVerdict``).
public final class GitHubClient: ForgePort, Sendable {
    /// Where Trainyard reports on a pull request's head.
    public enum Report: String, Sendable {
        /// A check run (GitHub Apps only).
        case checkRun = "check_run"
        /// A commit status (any token with push access).
        case status
    }

    public let baseURL: URL
    let auth: GitHubAuth
    let session: URLSession
    let retry: RetryPolicy
    let secondaryWait: Duration
    let logger: Logger
    let userAgent: String
    public let report: Report
    /// The name of Trainyard's check run or commit status context.
    public let statusName: String
    let pacer: MutationPacer
    let cache = ResponseCache()
    let posted = PostedStatuses()
    let requiredChecks = RequiredCheckCache()
    /// Answers by status and rate-limit waits.
    public let calls = GitHubCallCounts()
    /// Where calls and rate-limit waits are counted, under the forge's configured name.
    let metrics: ServiceMetrics
    let forgeName: String

    public init(
        baseURL: URL, auth: GitHubAuth, session: URLSession = .shared, retry: RetryPolicy = RetryPolicy(),
        report: Report? = nil, statusName: String = "trainyard", mutationInterval: Duration = .seconds(1),
        secondaryWait: Duration = GitHubRateLimit.defaultSecondaryWait, userAgent: String = "Trainyard",
        metrics: ServiceMetrics = .none, forgeName: String = "github", logger: Logger
    ) {
        self.metrics = metrics
        self.forgeName = forgeName
        self.baseURL = baseURL
        self.auth = auth
        self.session = session
        self.retry = retry
        self.secondaryWait = secondaryWait
        self.logger = logger
        self.userAgent = userAgent
        self.statusName = statusName
        if let report {
            self.report = report
        } else if case .app = auth {
            self.report = .checkRun
        } else {
            self.report = .status
        }
        pacer = MutationPacer(interval: mutationInterval)
    }

    struct PullRequest: Decodable {
        struct Branch: Decodable {
            let ref: String
            let sha: String
        }
        let number: Int
        let title: String
        let state: String
        let merged: Bool?
        let merged_at: String?
        let draft: Bool?
        let head: Branch
        let base: Branch
    }

    public func mergeRequest(project: ProjectSettings, number: Int) async throws -> MergeRequestInfo {
        let repository = project.key.path
        let pull: PullRequest = try decode(
            try await send("GET", "repos/\(repository)/pulls/\(number)", repository: repository),
            "pull request #\(number)")
        guard let head = SHA(validating: pull.head.sha) else {
            throw PermanentError("pull request #\(number) has no head commit")
        }
        let merged = pull.merged == true || pull.merged_at != nil
        return MergeRequestInfo(
            number: pull.number, title: pull.title,
            state: merged ? "merged" : pull.state == "open" ? "opened" : "closed",
            head: head, sourceBranch: pull.head.ref, target: pull.base.ref, draft: pull.draft ?? false)
    }

    /// GitHub's repository permission as GitLab's access level, which the configuration's roles
    /// use: `read` and `triage` 20, `write` 30 (developer), `maintain` 40, `admin` 50.
    public func accessLevel(project: ProjectSettings, userID: Int) async throws -> Int {
        struct User: Decodable { let login: String }
        struct Permission: Decodable {
            let permission: String
            let role_name: String?
        }
        let repository = project.key.path
        let user: User = try decode(try await send("GET", "user/\(userID)", repository: repository), "user \(userID)")
        let permission: Permission
        do {
            permission = try decode(
                try await send(
                    "GET", "repos/\(repository)/collaborators/\(user.login)/permission", repository: repository),
                "\(user.login)'s permission")
        } catch let error as PermanentError where error.description.contains(" 404 ") {
            return 0
        }
        return Self.accessLevel(permission: permission.permission, role: permission.role_name)
    }

    static func accessLevel(permission: String, role: String?) -> Int {
        switch role ?? permission {
        case "admin": return 50
        case "maintain": return 40
        case "write": return 30
        case "triage", "read": return 20
        default:
            switch permission {
            case "admin": return 50
            case "write": return 30
            case "read": return 20
            default: return 0
            }
        }
    }

    public func userID(project: ProjectSettings, username: String) async throws -> Int? {
        struct User: Decodable { let id: Int }
        guard username.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), !username.isEmpty else { return nil }
        do {
            let user: User = try decode(
                try await send("GET", "users/\(username)", repository: project.key.path), "user \(username)")
            return user.id
        } catch let error as PermanentError where error.description.contains(" 404 ") {
            return nil
        }
    }

    /// Posts a comment on the pull request unless an earlier try did: each carries its `key` in an
    /// HTML comment, and the newest comments are searched for it first.
    public func comment(project: ProjectSettings, number: Int, body: String, key: String) async throws {
        struct Comment: Decodable { let body: String? }
        let repository = project.key.path
        let marker = GitLabClient.noteMarker(key)
        let recent: [Comment] = try decode(
            try await send(
                "GET", "repos/\(repository)/issues/\(number)/comments", repository: repository,
                query: ["per_page": "100"]), "comments on #\(number)")
        if recent.contains(where: { $0.body?.contains(marker) == true }) { return }
        _ = try await send(
            "POST", "repos/\(repository)/issues/\(number)/comments", repository: repository,
            json: try Self.json(["body": body + "\n\n" + marker]), creates: true)
    }
}

/// The last report posted per commit, so that an unchanged one is not posted again.
actor PostedStatuses {
    var last: [String: String] = [:]

    /// Whether `value` differs from what was last posted for `key`; remembers it when it does.
    func changed(_ key: String, to value: String) -> Bool {
        if last[key] == value { return false }
        if last.count > 5000 { last.removeAll(keepingCapacity: true) }
        last[key] = value
        return true
    }

    func forget(_ key: String) { last[key] = nil }
}

import Foundation
import Logging
import TrainyardCore
import TrainyardEngine

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// GitLab's REST API (v4) over `URLSession`: merge requests, notes, commit statuses, pipelines.
///
/// Requests that hit a rate limit (429) or a server fault (5xx), or that fail in transit, are
/// retried with exponential backoff and jitter, honouring `Retry-After`. Other 4xx answers are
/// final and become ``PermanentError``s carrying GitLab's message. The token travels only in the
/// `PRIVATE-TOKEN` header and is never logged.
public final class GitLabClient: ForgePort, Sendable {
    public let baseURL: URL
    let token: String
    let session: URLSession
    let retry: RetryPolicy
    let logger: Logger
    let projectIDs = ProjectIDCache()
    /// The name of the commit status Trainyard posts.
    public let statusName: String
    /// The `User-Agent` header: `Trainyard`, with the replica's name when there are several.
    public let userAgent: String
    /// Where calls and rate-limit waits are counted, under the forge's configured name.
    let metrics: ServiceMetrics
    let forgeName: String

    public init(
        baseURL: URL, token: String, session: URLSession = .shared, retry: RetryPolicy = RetryPolicy(),
        statusName: String = "trainyard", userAgent: String = "Trainyard", metrics: ServiceMetrics = .none,
        forgeName: String = "gitlab", logger: Logger
    ) {
        self.metrics = metrics
        self.forgeName = forgeName
        self.userAgent = userAgent
        self.baseURL = baseURL
        self.token = token
        self.session = session
        self.retry = retry
        self.statusName = statusName
        self.logger = logger
    }

    public func mergeRequest(project: ProjectSettings, number: Int) async throws -> MergeRequestInfo {
        struct Body: Decodable {
            let iid: Int
            let title: String
            let state: String
            let sha: String?
            let source_branch: String
            let target_branch: String
            let draft: Bool?
            let work_in_progress: Bool?
        }
        let id = try await projectID(project)
        let body: Body = try decode(try await send("GET", "projects/\(id)/merge_requests/\(number)"))
        guard let text = body.sha, let head = SHA(validating: text) else {
            throw PermanentError("merge request !\(number) has no head commit yet")
        }
        return MergeRequestInfo(
            number: body.iid, title: body.title, state: body.state, head: head, sourceBranch: body.source_branch,
            target: body.target_branch, draft: body.draft ?? body.work_in_progress ?? false)
    }

    public func accessLevel(project: ProjectSettings, userID: Int) async throws -> Int {
        struct Body: Decodable { let access_level: Int }
        let id = try await projectID(project)
        do {
            let body: Body = try decode(try await send("GET", "projects/\(id)/members/all/\(userID)"))
            return body.access_level
        } catch let error as PermanentError where error.description.contains("answered 404") {
            return 0
        }
    }

    /// `GET /users?username=<name>`: the id of the active user with that username; nil when
    /// there is none, or when the user is blocked or deactivated (who keeps their memberships on
    /// GitLab, but must not keep acting through chat).
    public func userID(project: ProjectSettings, username: String) async throws -> Int? {
        struct Body: Decodable {
            let id: Int
            let state: String?
        }
        let users: [Body] = try decode(try await send("GET", "users", query: ["username": username]))
        guard let user = users.first, user.state == nil || user.state == "active" else { return nil }
        return user.id
    }

    /// Creates a pipeline for `ref`, unless an earlier try already did: a pipeline Trainyard
    /// created for `ref` at `commit` that has not failed or been cancelled is taken instead.
    public func createPipeline(
        project: ProjectSettings, ref: String, commit: SHA
    ) async throws -> (id: PipelineID, sha: SHA) {
        struct Body: Decodable {
            let id: Int
            let sha: String
            let status: String?
        }
        let id = try await projectID(project)
        let earlier: [Body] = try decode(
            try await send(
                "GET", "projects/\(id)/pipelines",
                query: ["ref": ref, "sha": commit.value, "source": "api", "order_by": "id", "sort": "desc"]))
        let finishedBadly: Set<String> = ["failed", "canceled", "canceling", "skipped"]
        if let adopted = earlier.first(where: { !finishedBadly.contains($0.status ?? "") }),
            let sha = SHA(validating: adopted.sha)
        {
            logger.info("pipeline created by an earlier try", metadata: ["ref": "\(ref)", "pipeline": "\(adopted.id)"])
            return (PipelineID(adopted.id), sha)
        }
        try await CreationGuard.verify()
        let body: Body = try decode(
            try await send("POST", "projects/\(id)/pipeline", query: ["ref": ref], creates: true))
        guard let sha = SHA(validating: body.sha) else { throw PermanentError("pipeline \(body.id) has no commit id") }
        return (PipelineID(body.id), sha)
    }

    public func pipeline(project: ProjectSettings, id pipeline: PipelineID) async throws -> (status: String, sha: SHA) {
        struct Body: Decodable {
            let status: String
            let sha: String
        }
        let id = try await projectID(project)
        let body: Body = try decode(try await send("GET", "projects/\(id)/pipelines/\(pipeline.value)"))
        guard let sha = SHA(validating: body.sha) else { throw PermanentError("pipeline \(pipeline) has no commit id") }
        return (body.status, sha)
    }

    public func cancelPipeline(project: ProjectSettings, pipeline: PipelineID) async throws {
        let id = try await projectID(project)
        _ = try await send("POST", "projects/\(id)/pipelines/\(pipeline.value)/cancel")
    }

    public func setStatus(project: ProjectSettings, sha: SHA, state: CommitState, description: String) async throws {
        try await setStatus(project: project, sha: sha, name: statusName, state: state, description: description)
    }

    /// Posts a note, unless an earlier try already did: each note carries its `key` in an HTML
    /// comment (invisible in GitLab), and the newest notes are searched for it first.
    public func comment(project: ProjectSettings, number: Int, body: String, key: String) async throws {
        struct Note: Decodable { let body: String }
        let id = try await projectID(project)
        let marker = Self.noteMarker(key)
        let recent: [Note] = try decode(
            try await send(
                "GET", "projects/\(id)/merge_requests/\(number)/notes",
                query: ["sort": "desc", "order_by": "created_at", "per_page": "100"]))
        if recent.contains(where: { $0.body.contains(marker) }) {
            logger.info("note posted by an earlier try", metadata: ["merge_request": "\(number)", "key": "\(key)"])
            return
        }
        try await CreationGuard.verify()
        _ = try await send(
            "POST", "projects/\(id)/merge_requests/\(number)/notes", json: ["body": body + "\n\n" + marker],
            creates: true)
    }

    /// The invisible mark a note carries so that a repeated try finds it.
    static func noteMarker(_ key: String) -> String { "<!-- trainyard:\(key) -->" }

    /// The project's numeric id, looked up once by path.
    func projectID(_ project: ProjectSettings) async throws -> Int {
        if let known = await projectIDs.id(for: project.key.path) { return known }
        struct Body: Decodable { let id: Int }
        let body: Body = try decode(try await send("GET", "projects/\(Self.encode(project.key.path))"))
        await projectIDs.remember(body.id, for: project.key.path)
        return body.id
    }

    func decode<T: Decodable>(_ data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw PermanentError("GitLab answered with an unexpected body: \(error)")
        }
    }

    /// Percent-encodes a path segment the way GitLab expects `:id` (`group%2Fapp`).
    static func encode(_ segment: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}

/// Remembers project ids by path.
actor ProjectIDCache {
    private var ids: [String: Int] = [:]
    func id(for path: String) -> Int? { ids[path] }
    func remember(_ id: Int, for path: String) { ids[path] = id }
}

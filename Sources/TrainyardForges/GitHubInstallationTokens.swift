import Foundation
import Logging
import TrainyardEngine

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A GitHub App's installation tokens: the app's JWT is exchanged for a token per installation
/// (`POST /app/installations/{id}/access_tokens`), which lasts an hour and is renewed five
/// minutes before it ends. The installation of each repository is looked up once
/// (`GET /repos/{owner}/{repo}/installation`). Callers that ask together share one exchange.
/// Tokens and the JWT travel only in `Authorization` headers and are never logged or put in an
/// error.
public actor GitHubInstallationTokens {
    struct Grant {
        var token: String
        var expires: Date
    }

    let baseURL: URL
    let jwt: GitHubAppJWT
    let session: URLSession
    let now: @Sendable () -> Date
    let userAgent: String
    var installations: [String: Int] = [:]
    var grants: [Int: Grant] = [:]
    var exchanges: [Int: Task<Grant, any Error>] = [:]
    /// How many exchanges were made, for tests and metrics.
    public private(set) var exchangeCount = 0

    /// A token is renewed when it has less than this long left.
    public static let renewBefore: TimeInterval = 300

    public init(
        baseURL: URL, jwt: GitHubAppJWT, session: URLSession = .shared, userAgent: String = "Trainyard",
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.baseURL = baseURL
        self.jwt = jwt
        self.session = session
        self.userAgent = userAgent
        self.now = now
    }

    /// A token for `repository` (`owner/name`), renewed when it is about to end.
    public func token(repository: String) async throws -> String {
        let installation = try await installation(of: repository)
        if let grant = grants[installation], grant.expires.timeIntervalSince(now()) > Self.renewBefore {
            return grant.token
        }
        if let running = exchanges[installation] { return try await running.value.token }
        let task = Task { try await self.exchange(installation) }
        exchanges[installation] = task
        defer { exchanges[installation] = nil }
        let grant = try await task.value
        grants[installation] = grant
        return grant.token
    }

    /// Forgets a token GitHub refused (revoked, or the app's permissions changed), so that the
    /// next call exchanges a new one.
    public func invalidate(repository: String) {
        guard let installation = installations[repository] else { return }
        grants[installation] = nil
    }

    func installation(of repository: String) async throws -> Int {
        if let known = installations[repository] { return known }
        struct Body: Decodable { let id: Int }
        let data = try await send(
            "GET", "repos/\(repository)/installation", what: "find the app's installation on \(repository)")
        guard let body = try? JSONDecoder().decode(Body.self, from: data) else {
            throw PermanentError("GitHub's answer about the installation on \(repository) has no `id`")
        }
        installations[repository] = body.id
        return body.id
    }

    func exchange(_ installation: Int) async throws -> Grant {
        struct Body: Decodable {
            let token: String
            let expires_at: String
        }
        exchangeCount += 1
        let data = try await send(
            "POST", "app/installations/\(installation)/access_tokens",
            what: "get a token for installation \(installation)")
        guard let body = try? JSONDecoder().decode(Body.self, from: data),
            let expires = ISO8601DateFormatter().date(from: body.expires_at)
        else {
            throw PermanentError("GitHub's installation token answer lacks `token` or a valid `expires_at`")
        }
        return Grant(token: body.token, expires: expires)
    }

    func send(_ method: String, _ path: String, what: String) async throws -> Data {
        var request = URLRequest(url: baseURL.appendingPathComponent(path), timeoutInterval: 30)
        request.httpMethod = method
        request.setValue("Bearer \(try jwt.token(now: now()))", forHTTPHeaderField: "Authorization")
        request.setValue("application/vnd.github+json", forHTTPHeaderField: "Accept")
        request.setValue("2022-11-28", forHTTPHeaderField: "X-GitHub-Api-Version")
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        let (data, response) = try await session.uncancellableData(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200...299).contains(status) else {
            let message = GitLabClient.message(data)
            let hint =
                status == 401
                ? " Check `app_id` and `private_key_file`, and that this machine's clock is right (NTP)."
                : status == 404 ? " Install the app on the repository, or check the repository's name." : ""
            let text = "GitHub answered \(status) when Trainyard tried to \(what): \(message).\(hint)"
            if status >= 500 || status == 429 || status == 0 { throw GitHubAuthError(message: text) }
            throw PermanentError(text)
        }
        return data
    }
}

/// A GitHub App authentication failure that may pass (a server fault, a rate limit, the network).
public struct GitHubAuthError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

import Foundation
import TrainyardEngine

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An error answer from GitHub.
public struct GitHubError: Error, CustomStringConvertible, Sendable {
    public var status: Int
    public var method: String
    public var path: String
    public var message: String
    public var description: String { "GitHub answered \(status) to \(method) \(path): \(message)" }
}

/// Sending requests with GitHub's etiquette: rate limits waited out as GitHub asks, server faults
/// retried with backoff and jitter, at most one mutating call a second, conditional GETs with
/// ETags (a 304 costs nothing against the hourly budget).
extension GitHubClient {
    func send(
        _ method: String, _ path: String, repository: String, query: [String: String] = [:], json: Data? = nil,
        creates: Bool = false
    ) async throws -> Data {
        guard var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) else {
            throw PermanentError("cannot build a URL for \(path)")
        }
        let prefix =
            components.percentEncodedPath.hasSuffix("/")
            ? String(components.percentEncodedPath.dropLast())
            : components.percentEncodedPath
        components.percentEncodedPath = prefix + "/" + path
        if !query.isEmpty {
            components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        }
        guard let url = components.url else { throw PermanentError("cannot build a URL for \(path)") }
        let mutates = method != "GET"
        var attempt = 0
        var limited = 0
        var renewed = false
        while true {
            var request = URLRequest(url: url, timeoutInterval: 30)
            request.httpMethod = method
            request.setValue("Bearer \(try await credential(repository))", forHTTPHeaderField: "Authorization")
            request.setValue("application/vnd.github+json", forHTTPHeaderField: "Accept")
            request.setValue("2022-11-28", forHTTPHeaderField: "X-GitHub-Api-Version")
            request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
            let cached = mutates ? nil : await cache.entry(url.absoluteString)
            if let cached { request.setValue(cached.etag, forHTTPHeaderField: "If-None-Match") }
            if let json {
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = json
            }
            if mutates { await pacer.wait(for: paceKey(repository)) }
            let failure: any Error
            var wait: Duration?
            let started = ContinuousClock.now
            do {
                let (data, response) = try await session.uncancellableData(for: request)
                let http = response as? HTTPURLResponse
                let status = http?.statusCode ?? 0
                await calls.record(status: status)
                metrics.forgeRequest(
                    forge: forgeName, status: status, seconds: (ContinuousClock.now - started).inSeconds)
                if status == 304, let cached { return cached.body }
                if (200...299).contains(status) {
                    if !mutates, let etag = http?.value(forHTTPHeaderField: "ETag") {
                        await cache.store(url.absoluteString, etag: etag, body: data)
                    }
                    return data
                }
                let message = GitLabClient.message(data)
                let error = GitHubError(status: status, method: method, path: path, message: message)
                if status == 401, case .app(let tokens) = auth, !renewed {
                    renewed = true
                    await tokens.invalidate(repository: repository)
                    continue
                }
                if let limit = GitHubRateLimit.of(
                    status: status, header: { http?.value(forHTTPHeaderField: $0) }, message: message,
                    attempt: limited, secondaryWait: secondaryWait)
                {
                    limited += 1
                    await calls.recordLimit(kind: limit.kind)
                    wait = limit.wait
                    failure = error
                } else if RetryPolicy.isRetryable(status: status) {
                    if creates { throw error }
                    failure = error
                } else {
                    throw PermanentError(error.description)
                }
            } catch let error as PermanentError {
                throw error
            } catch let error as GitHubError {
                throw error
            } catch {
                metrics.forgeRequest(forge: forgeName, status: 0, seconds: (ContinuousClock.now - started).inSeconds)
                if creates { throw error }
                failure = error
            }
            attempt += 1
            guard attempt < retry.maxAttempts else { throw failure }
            let delay = wait ?? retry.delay(attempt: attempt - 1, retryAfter: nil)
            if let wait { metrics.rateLimitWait(forge: forgeName, seconds: wait.inSeconds) }
            logger.warning(
                "GitHub request will be retried",
                metadata: [
                    "method": "\(method)", "path": "\(path)", "attempt": "\(attempt)", "delay": "\(delay)",
                    "error": "\(failure)",
                ])
            try await Task.sleep(for: delay)
        }
    }

    /// The token for `repository`: the configured one, or the app's installation token.
    func credential(_ repository: String) async throws -> String {
        switch auth {
        case .token(let token): return token
        case .app(let tokens): return try await tokens.token(repository: repository)
        }
    }

    /// Mutations are paced per credential: one token for everything, or an app's installation
    /// (approximated by the repository).
    func paceKey(_ repository: String) -> String {
        if case .app = auth { return repository }
        return "token"
    }

    func decode<T: Decodable>(_ data: Data, _ what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw PermanentError("GitHub's answer about \(what) could not be read: \(error)")
        }
    }

    static func json(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}

/// Keeps mutating calls at least an interval apart per repository's credential, as GitHub asks
/// (at least a second between POST, PATCH, PUT and DELETE).
actor MutationPacer {
    let interval: Duration
    var next: [String: ContinuousClock.Instant] = [:]

    init(interval: Duration) { self.interval = interval }

    func wait(for key: String) async {
        let now = ContinuousClock.now
        let due = max(now, next[key] ?? now)
        next[key] = due + interval
        if due > now { try? await Task.sleep(until: due, clock: .continuous) }
    }
}

/// The bodies of GET answers with their ETags, to ask again conditionally.
actor ResponseCache {
    struct Entry {
        let etag: String
        let body: Data
    }
    var entries: [String: Entry] = [:]
    let limit = 500

    func entry(_ url: String) -> Entry? { entries[url] }

    func store(_ url: String, etag: String, body: Data) {
        if entries.count >= limit, entries[url] == nil { entries.removeAll(keepingCapacity: true) }
        entries[url] = Entry(etag: etag, body: body)
    }
}

/// Counts of answers by status and of rate-limit waits, for tests and metrics.
public actor GitHubCallCounts {
    public private(set) var byStatus: [Int: Int] = [:]
    public private(set) var limits: [String: Int] = [:]

    func record(status: Int) { byStatus[status, default: 0] += 1 }
    func recordLimit(kind: String) { limits[kind, default: 0] += 1 }
}

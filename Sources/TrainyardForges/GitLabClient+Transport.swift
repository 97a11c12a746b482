import Foundation
import TrainyardEngine

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An error answer from GitLab.
public struct GitLabError: Error, CustomStringConvertible, Sendable {
    public var status: Int
    public var method: String
    public var path: String
    public var message: String
    public var description: String { "GitLab answered \(status) to \(method) \(path): \(message)" }
}

/// Sending requests with retries.
extension GitLabClient {
    /// Sends one API request and returns the body of a 2xx answer. Retries 429, 5xx and transport
    /// failures; throws ``PermanentError`` for other 4xx answers.
    /// Sends one request, retrying rate limits and server faults. A request that creates
    /// something (`creates`) is retried here only after a 429, when GitLab did nothing: after a
    /// 5xx or a broken connection GitLab may have done the work, so the caller looks for it before
    /// trying again (the engine's outbox retries it).
    func send(
        _ method: String, _ path: String, query: [String: String] = [:], json: [String: String]? = nil,
        body: Data? = nil, creates: Bool = false
    ) async throws -> Data {
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)!
        let prefix =
            components.percentEncodedPath.hasSuffix("/")
            ? String(components.percentEncodedPath.dropLast()) : components.percentEncodedPath
        components.percentEncodedPath = prefix + "/api/v4/" + path
        if !query.isEmpty {
            components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        }
        guard let url = components.url else { throw PermanentError("cannot build a URL for \(path)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        request.setValue(token, forHTTPHeaderField: "PRIVATE-TOKEN")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONEncoder().encode(json)
        } else if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }
        var attempt = 0
        while true {
            let retryAfter: String?
            let failure: any Error
            let started = ContinuousClock.now
            do {
                let (data, response) = try await session.uncancellableData(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                metrics.forgeRequest(
                    forge: forgeName, status: status, seconds: (ContinuousClock.now - started).inSeconds)
                if (200...299).contains(status) { return data }
                let error = GitLabError(status: status, method: method, path: path, message: Self.message(data))
                guard RetryPolicy.isRetryable(status: status) else {
                    if status == 400, error.message.contains("Cannot transition status") { throw error }
                    throw PermanentError(error.description)
                }
                if creates, status != 429 { throw error }
                retryAfter = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Retry-After")
                failure = error
            } catch let error as PermanentError {
                throw error
            } catch let error as GitLabError {
                throw error
            } catch {
                metrics.forgeRequest(forge: forgeName, status: 0, seconds: (ContinuousClock.now - started).inSeconds)
                if creates { throw error }
                retryAfter = nil
                failure = error
            }
            attempt += 1
            guard attempt < retry.maxAttempts else { throw failure }
            let delay = retry.delay(attempt: attempt - 1, retryAfter: retryAfter)
            if (failure as? GitLabError)?.status == 429 {
                metrics.rateLimitWait(forge: forgeName, seconds: delay.inSeconds)
            }
            logger.warning(
                "GitLab request will be retried",
                metadata: [
                    "method": "\(method)", "path": "\(path)", "attempt": "\(attempt)", "delay": "\(delay)",
                    "error": "\(failure)",
                ])
            try await Task.sleep(for: delay)
        }
    }

    /// GitLab's error message: `{"message": …}` or `{"error": …}`, else the body's start. A
    /// message that is itself an object is flattened: `{"base": ["Reference not found"]}` becomes
    /// `Reference not found`, `{"ref": ["is invalid"]}` becomes `ref: is invalid`.
    static func message(_ data: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let message = object["message"] { return flatten(message) }
            if let error = object["error"] { return flatten(error) }
        }
        return String(decoding: data.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func flatten(_ value: Any) -> String {
        switch value {
        case let text as String: return text
        case let list as [Any]: return list.map(flatten).joined(separator: "; ")
        case let object as [String: Any]:
            return object.keys.sorted().map { key in
                let inner = flatten(object[key] ?? "")
                return key == "base" ? inner : "\(key): \(inner)"
            }.joined(separator: "; ")
        default: return "\(value)"
        }
    }
}

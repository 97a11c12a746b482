import Foundation
import TrainyardHTTP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One example delivery from the repository's `webhooks/` folder: a request line
/// (`POST /webhooks/gitlab`), headers, a blank line and the body, with `{{uuid}}` and
/// `{{timestamp}}` standing for a fresh value at each send. ``request(to:config:now:)`` signs it
/// as its source would, with the secrets of a configuration.
struct RecordedDelivery: Sendable {
    var method: String
    var path: String
    var headers: [(String, String)]
    var body: String

    /// Reads the file's text; throws a message naming what is wrong with it.
    init(_ text: String) throws {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        guard let split = normalized.range(of: "\n\n") else {
            throw ValidationFailure("no blank line between the headers and the body")
        }
        let head = normalized[..<split.lowerBound].split(separator: "\n").map(String.init)
        guard let requestLine = head.first?.split(separator: " "), requestLine.count == 2,
            requestLine[1].hasPrefix("/")
        else { throw ValidationFailure("the first line must be a method and a path, such as `POST /webhooks/gitlab`") }
        method = String(requestLine[0])
        path = String(requestLine[1])
        headers = try head.dropFirst().map { line in
            guard let colon = line.firstIndex(of: ":") else { throw ValidationFailure("`\(line)` is not a header") }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        body = String(normalized[split.upperBound...]).trimmingCharacters(in: .newlines)
    }

    /// The request to send to the service at `base`, with fresh placeholders and, given a
    /// configuration, its source's credentials: the forge's `webhook_secret` as `X-Gitlab-Token`,
    /// Slack's signature over the body, Mattermost's token.
    func request(to base: URL, config: TrainyardConfig?, now: Date = Date()) throws -> URLRequest {
        let timestamp = String(Int(now.timeIntervalSince1970))
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "{{uuid}}", with: UUID().uuidString)
                .replacingOccurrences(of: "{{timestamp}}", with: timestamp)
        }
        let body = Data(fill(body).utf8)
        guard let url = URL(string: base.absoluteString.trimmingCharacters(in: ["/"]) + path) else {
            throw ValidationFailure("`\(base)` and `\(path)` do not make a URL")
        }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(fill(value), forHTTPHeaderField: name) }
        guard let config else { return request }
        let parts = path.split(separator: "?")[0].split(separator: "/")
        switch (parts.first, parts.dropFirst().first) {
        case ("webhooks", let forge?):
            guard let secret = config.forges[String(forge)]?.webhookSecret else {
                throw ValidationFailure("the configuration has no forge `\(forge)` to take the webhook secret from")
            }
            request.setValue(secret, forHTTPHeaderField: "X-Gitlab-Token")
        case ("chatops", "slack"):
            guard let secret = config.chatops.slackSigningSecret else {
                throw ValidationFailure("the configuration has no `chatops.slack.signing_secret`")
            }
            request.setValue(timestamp, forHTTPHeaderField: "X-Slack-Request-Timestamp")
            request.setValue(
                SlackSignature.sign(secret: secret, timestamp: timestamp, body: body),
                forHTTPHeaderField: "X-Slack-Signature")
        case ("chatops", "mattermost"):
            guard let token = config.chatops.mattermostToken else {
                throw ValidationFailure("the configuration has no `chatops.mattermost.token`")
            }
            request.setValue("Token \(token)", forHTTPHeaderField: "Authorization")
        default:
            break
        }
        return request
    }
}

/// A problem with a recorded delivery or with what it needs, said in words.
struct ValidationFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

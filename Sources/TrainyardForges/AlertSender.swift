import Crypto
import Foundation
import TrainyardCore
import TrainyardEngine

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends schedule alerts: `{"text": …}` to Slack's and Mattermost's incoming webhooks, and a JSON
/// document to a generic webhook, signed with HMAC-SHA256 of the body when a secret is set
/// (`X-Trainyard-Signature: sha256=<hex>`, as GitHub signs its deliveries).
public struct AlertSender: AlertPort {
    public var slackURL: URL?
    public var mattermostURL: URL?
    public var webhookURL: URL?
    public var webhookSecret: String?
    let session: URLSession

    public init(
        slackURL: URL? = nil, mattermostURL: URL? = nil, webhookURL: URL? = nil, webhookSecret: String? = nil,
        session: URLSession = .shared
    ) {
        self.slackURL = slackURL
        self.mattermostURL = mattermostURL
        self.webhookURL = webhookURL
        self.webhookSecret = webhookSecret
        self.session = session
    }

    public var destinations: [String] {
        [("slack", slackURL), ("mattermost", mattermostURL), ("webhook", webhookURL)].compactMap {
            $0.1 == nil ? nil : $0.0
        }
    }

    public func send(_ message: ScheduleMessage, to destination: String) async throws {
        let url: URL?
        var headers: [String: String] = [:]
        let body: Data
        switch destination {
        case "slack", "mattermost":
            url = destination == "slack" ? slackURL : mattermostURL
            let emoji = message.kind == "recovered" ? ":white_check_mark:" : ":rotating_light:"
            let link = message.webURL.map { "\n\($0)" } ?? ""
            body = try JSONSerialization.data(
                withJSONObject: ["text": "\(emoji) \(message.text)\(link)"], options: [.sortedKeys])
        default:
            url = webhookURL
            body = try Self.document(message)
            if let webhookSecret {
                let code = HMAC<SHA256>.authenticationCode(
                    for: body, using: SymmetricKey(data: Data(webhookSecret.utf8)))
                headers["X-Trainyard-Signature"] = "sha256=" + code.map { String(format: "%02x", $0) }.joined()
            }
        }
        guard let url else { throw PermanentError("no \(destination) alert address is configured") }
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("trainyard", forHTTPHeaderField: "User-Agent")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let (data, response) = try await session.uncancellableData(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw ChatReplyError(
                message:
                    "the \(destination) alert address answered \(status): \(String(decoding: data.prefix(200), as: UTF8.self))"
            )
        }
    }

    /// The generic webhook's body: what happened to which schedule, and the pipeline's link.
    static func document(_ message: ScheduleMessage) throws -> Data {
        var object: [String: Any] = [
            "event": message.kind == "recovered" ? "schedule_recovered" : "schedule_failing",
            "schedule": message.schedule, "project": message.project, "ref": message.ref, "text": message.text,
            "at": ISO8601DateFormatter().string(
                from: Date(timeIntervalSince1970: Double(message.at.milliseconds) / 1000)),
        ]
        object["pipeline_url"] = message.webURL ?? NSNull()
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}

import Foundation
import TrainyardEngine

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Posts the later answers to chat commands: `{"response_type": "ephemeral", "text": …}` to the
/// command's `response_url`, which Slack and Mattermost both read. A 4xx other than 429 (Slack
/// answers 404 `expired_url` after 30 minutes and `used_url` after 5 posts) is permanent; other
/// failures are retried by the outbox.
public struct ChatReplier: ChatPort {
    let session: URLSession

    public init(session: URLSession = .shared) {
        self.session = session
    }

    public func reply(url: String, text: String) async throws {
        guard let target = URL(string: url) else { throw PermanentError("not a reply address: \(url.prefix(100))") }
        var request = URLRequest(url: target, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(
            withJSONObject: ["response_type": "ephemeral", "text": String(text.prefix(3000))], options: [.sortedKeys])
        let (data, response) = try await session.uncancellableData(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if (200..<300).contains(status) { return }
        let answer = String(decoding: data.prefix(200), as: UTF8.self)
        let message = "the chat service answered \(status) to a reply: \(answer)"
        if (400..<500).contains(status), status != 429 { throw PermanentError(message) }
        throw ChatReplyError(message: message)
    }
}

/// A chat reply that failed in a way worth retrying (5xx, 429, no answer).
public struct ChatReplyError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

import Crypto
import Foundation
import TrainyardCore
import TrainyardEngine

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Deploys and stops review apps by the team's own endpoint: a POST of the request as JSON,
/// signed with `X-Trainyard-Signature: sha256=<HMAC-SHA256 of the body>` and a timestamp
/// (`X-Trainyard-Timestamp`, Unix seconds, part of the signed text as `TIMESTAMP.BODY`) so that a
/// recorded request cannot be replayed later. A 2xx answer means done; its JSON `url`, if any, is
/// the app's address.
public struct ReviewAppHookSender: ReviewAppHook {
    let session: URLSession
    /// How long the endpoint may take (a deploy may be slow).
    let timeout: TimeInterval

    public init(session: URLSession = .shared, timeout: TimeInterval = 600) {
        self.session = session
        self.timeout = timeout
    }

    /// The signature of `body` sent at `timestamp` with `secret`: hex HMAC-SHA256 of `TIMESTAMP.BODY`.
    public static func signature(body: Data, timestamp: Int, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(
            for: Data("\(timestamp).".utf8) + body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    public func send(_ request: ReviewAppHookRequest, to url: String, secret: String) async throws -> String? {
        guard let address = URL(string: url) else { throw PermanentError("`\(url)` is not a URL") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try encoder.encode(request)
        let timestamp = Int(Date().timeIntervalSince1970)
        var post = URLRequest(url: address, timeoutInterval: timeout)
        post.httpMethod = "POST"
        post.setValue("application/json", forHTTPHeaderField: "Content-Type")
        post.setValue("trainyard", forHTTPHeaderField: "User-Agent")
        post.setValue(String(timestamp), forHTTPHeaderField: "X-Trainyard-Timestamp")
        post.setValue(
            Self.signature(body: body, timestamp: timestamp, secret: secret),
            forHTTPHeaderField: "X-Trainyard-Signature")
        post.httpBody = body
        let (data, response) = try await session.uncancellableData(for: post)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw PermanentError("status \(status): \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        struct Answer: Decodable { let url: String? }
        return (try? JSONDecoder().decode(Answer.self, from: data))?.url
    }
}

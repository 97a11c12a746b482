import Crypto
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends the fake GitHub's webhooks one at a time, in the order they were queued, as GitHub
/// does: JSON body, `X-GitHub-Event`, `X-GitHub-Delivery` (a GUID), `X-GitHub-Hook-ID` and, when
/// the hook has a secret, `X-Hub-Signature-256`. Never retried: GitHub does not redeliver by itself.
final class FakeGitHubSender: Sendable {
    /// One delivery as it went.
    struct Sent: Sendable {
        let event: String
        let guid: String
        let status: Int
    }

    private enum Job: Sendable {
        case send(url: URL, hook: Int, secret: String?, event: String, body: Data, guid: String)
        case barrier(CheckedContinuation<Void, Never>)
    }

    private let continuation: AsyncStream<Job>.Continuation
    private let worker: Task<Void, Never>
    private let log = Locked<[Sent]>([])

    init() {
        let (stream, continuation) = AsyncStream.makeStream(of: Job.self)
        self.continuation = continuation
        let log = self.log
        worker = Task {
            let session = URLSession(configuration: .ephemeral)
            for await job in stream {
                switch job {
                case .barrier(let done): done.resume()
                case .send(let url, let hook, let secret, let event, let body, let guid):
                    let sent = await Self.send(
                        url, hook: hook, secret: secret, event: event, body: body, guid: guid, session: session)
                    log.withLock { $0.append(sent) }
                }
            }
        }
    }

    var sent: [Sent] { log.withLock { $0 } }

    /// Queues a delivery; the same `guid` again is a redelivery of it.
    func enqueue(
        url: String, hook: Int, secret: String?, event: String, body: Data,
        guid: String = UUID().uuidString.lowercased()
    ) {
        guard let target = URL(string: url) else { return }
        continuation.yield(.send(url: target, hook: hook, secret: secret, event: event, body: body, guid: guid))
    }

    private static func send(
        _ url: URL, hook: Int, secret: String?, event: String, body: Data, guid: String, session: URLSession
    ) async -> Sent {
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("GitHub-Hookshot/fake", forHTTPHeaderField: "User-Agent")
        request.setValue(event, forHTTPHeaderField: "X-GitHub-Event")
        request.setValue(guid, forHTTPHeaderField: "X-GitHub-Delivery")
        request.setValue(String(hook), forHTTPHeaderField: "X-GitHub-Hook-ID")
        if let secret {
            let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
            request.setValue(
                "sha256=" + code.map { String(format: "%02x", $0) }.joined(), forHTTPHeaderField: "X-Hub-Signature-256")
        }
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            session.dataTask(with: request) { _, response, _ in
                continuation.resume(returning: (response as? HTTPURLResponse)?.statusCode ?? 0)
            }.resume()
        }
        return Sent(event: event, guid: guid, status: status)
    }

    /// Waits until everything queued so far was sent.
    func drain() async {
        await withCheckedContinuation { continuation.yield(.barrier($0)) }
    }

    func stop() async {
        continuation.finish()
        await worker.value
    }
}

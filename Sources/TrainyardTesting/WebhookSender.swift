import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends webhook requests with URLSession, one at a time, in the order they were queued.
///
/// A single background task works through the queue, so the API request that caused an event
/// never waits for its delivery. Each finished attempt is handed to `record`.
final class WebhookSender: Sendable {
    /// One webhook request to make.
    struct Delivery: Sendable {
        let url: URL
        let token: String
        let event: String
        let uuid: String
        let webhookUUID: String
        let action: String?
        let body: Data
        let isRedelivery: Bool
    }

    private enum Job: Sendable {
        case deliver(Delivery, done: CheckedContinuation<Void, Never>?)
        case barrier(CheckedContinuation<Void, Never>)
    }

    static let userAgent = "GitLab/17.5.0"

    private let continuation: AsyncStream<Job>.Continuation
    private let worker: Task<Void, Never>
    private let stopping = Locked(false)
    /// Seconds a request may take before it counts as failed.
    let timeout: TimeInterval

    /// - Parameters:
    ///   - instance: The `X-Gitlab-Instance` header.
    ///   - timeout: Seconds a request may take before it counts as failed.
    ///   - record: Called with each attempt, in order, before the next one starts.
    init(
        instance: String, timeout: TimeInterval = 10, record: @escaping @Sendable (FakeDelivery.Attempt) async -> Void
    ) {
        self.timeout = timeout
        let (stream, continuation) = AsyncStream.makeStream(of: Job.self)
        self.continuation = continuation
        let stopping = self.stopping
        worker = Task {
            let session = URLSession(configuration: .ephemeral)
            for await job in stream {
                switch job {
                case .barrier(let done):
                    done.resume()
                case .deliver(let delivery, let done):
                    if !stopping.withLock({ $0 }) {
                        await record(await Self.send(delivery, instance: instance, session: session, timeout: timeout))
                    }
                    done?.resume()
                }
            }
            session.finishTasksAndInvalidate()
        }
    }

    /// Queues a delivery and returns at once.
    func enqueue(_ delivery: Delivery) {
        enqueue(.deliver(delivery, done: nil))
    }

    /// Queues a delivery and returns once it was attempted and recorded.
    func deliver(_ delivery: Delivery) async {
        await withCheckedContinuation { done in
            enqueue(.deliver(delivery, done: done))
        }
    }

    /// Returns once everything queued before the call was attempted and recorded.
    func drain() async {
        await withCheckedContinuation { done in
            enqueue(.barrier(done))
        }
    }

    /// Drops what is still queued (after the attempt in flight, if any) and ends the worker.
    func stop() async {
        stopping.withLock { $0 = true }
        continuation.finish()
        await worker.value
    }

    private func enqueue(_ job: Job) {
        if case .terminated = continuation.yield(job) {
            switch job {
            case .barrier(let done): done.resume()
            case .deliver(_, let done): done?.resume()
            }
        }
    }

    private static func send(
        _ delivery: Delivery, instance: String, session: URLSession, timeout: TimeInterval
    ) async -> FakeDelivery.Attempt {
        var request = URLRequest(url: delivery.url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = delivery.body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        request.setValue(delivery.event, forHTTPHeaderField: "X-Gitlab-Event")
        if !delivery.token.isEmpty {
            request.setValue(delivery.token, forHTTPHeaderField: "X-Gitlab-Token")
        }
        request.setValue(delivery.uuid, forHTTPHeaderField: "X-Gitlab-Event-UUID")
        request.setValue(delivery.webhookUUID, forHTTPHeaderField: "X-Gitlab-Webhook-UUID")
        request.setValue(delivery.uuid, forHTTPHeaderField: "Idempotency-Key")
        request.setValue(instance, forHTTPHeaderField: "X-Gitlab-Instance")
        do {
            let (_, response) = try await session.uncancellableData(for: request)
            return FakeDelivery.Attempt(
                delivery: delivery, statusCode: (response as? HTTPURLResponse)?.statusCode, error: nil)
        } catch {
            return FakeDelivery.Attempt(delivery: delivery, statusCode: nil, error: String(describing: error))
        }
    }
}

extension FakeDelivery {
    /// A finished attempt, before the fake numbers it.
    struct Attempt: Sendable {
        let delivery: WebhookSender.Delivery
        let statusCode: Int?
        let error: String?
    }

    init(sequence: Int, attempt: Attempt) {
        self.init(
            sequence: sequence,
            event: attempt.delivery.event,
            uuid: attempt.delivery.uuid,
            webhookUUID: attempt.delivery.webhookUUID,
            url: attempt.delivery.url,
            action: attempt.delivery.action,
            body: attempt.delivery.body,
            statusCode: attempt.statusCode,
            error: attempt.error,
            isRedelivery: attempt.delivery.isRedelivery,
            token: attempt.delivery.token
        )
    }
}

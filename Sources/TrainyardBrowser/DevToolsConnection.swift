import Foundation
import Logging
import NIOCore
import WSClient

/// One WebSocket to Chromium's DevTools endpoint, in the protocol's flat session mode: commands
/// carry an `id` (and the `sessionId` of the tab they are for) and get a reply with the same
/// `id`; events carry no `id`. Replies resume their callers; events go to the listener of their
/// session. A command not answered within its timeout, or the socket closing, fails with
/// ``DevToolsError``, so nothing waits forever on a browser that crashed.
actor DevToolsConnection {
    /// Largest message taken from the browser: a full-page screenshot arrives in one.
    static let maxMessageBytes = 1 << 28

    private var outbound: WebSocketOutboundWriter?
    private var nextID = 1
    private var pending: [Int: CheckedContinuation<Data, any Error>] = [:]
    private var listeners: [String: @Sendable (DevToolsEvent) -> Void] = [:]
    private var closedReason: String?
    private var opened: CheckedContinuation<Void, any Error>?
    private var runner: Task<Void, Never>?

    /// Connects to `url` (`ws://127.0.0.1:PORT/devtools/browser/ID`) and returns once the
    /// socket is open.
    static func connect(to url: String, logger: Logger, timeout: Duration = .seconds(20)) async throws
        -> DevToolsConnection
    {
        let connection = DevToolsConnection()
        try await connection.open(url, logger: logger, timeout: timeout)
        return connection
    }

    private func open(_ url: String, logger: Logger, timeout: Duration) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            opened = continuation
            // The task holds the connection until the socket closes; ``close(because:)`` ends it.
            runner = Task { [self] in
                let configuration = WebSocketClientConfiguration(maxFrameSize: Self.maxMessageBytes)
                do {
                    try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) {
                        inbound, outbound, _ in
                        await self.attach(outbound)
                        for try await message in inbound.messages(maxSize: Self.maxMessageBytes) {
                            guard case .text(let text) = message else { continue }
                            await self.receive(Data(text.utf8))
                        }
                    }
                    self.close(because: "the browser closed the DevTools connection")
                } catch {
                    self.close(because: "the DevTools connection failed: \(error)")
                }
            }
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.failOpening("no DevTools connection to \(url) within \(timeout)")
            }
        }
    }

    private func attach(_ writer: WebSocketOutboundWriter) {
        outbound = writer
        opened?.resume()
        opened = nil
    }

    private func failOpening(_ reason: String) {
        guard let opened else { return }
        self.opened = nil
        closedReason = reason
        opened.resume(throwing: DevToolsError(reason))
        runner?.cancel()
    }

    /// Sends `method` with `params` (to the tab of `session`) and returns the reply's `result`,
    /// as JSON.
    func send(
        _ method: String, _ params: [String: DevToolsValue] = [:], session: String? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> Data {
        if let closedReason { throw DevToolsError(closedReason) }
        guard let outbound else { throw DevToolsError("the DevTools connection is not open") }
        let id = nextID
        nextID += 1
        var message: [String: DevToolsValue] = ["id": .int(id), "method": .string(method), "params": .object(params)]
        if let session { message["sessionId"] = .string(session) }
        let text = String(decoding: try JSONEncoder().encode(message), as: UTF8.self)
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.expire(id, "\(method) got no answer within \(timeout)")
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            pending[id] = continuation
            Task {
                do {
                    try await outbound.writeTextMessage(text)
                } catch {
                    self.expire(id, "\(method) could not be sent: \(error)")
                }
            }
        }
    }

    /// Sends `method` and decodes its result as `T`.
    func send<T: Decodable>(
        _ method: String, _ params: [String: DevToolsValue] = [:], session: String? = nil, as type: T.Type,
        timeout: Duration = .seconds(30)
    ) async throws -> T {
        let data = try await send(method, params, session: session, timeout: timeout)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw DevToolsError("the answer to \(method) was not understood: \(error)")
        }
    }

    /// Routes the events of tab `session` to `listener` (one per session).
    func listen(session: String, _ listener: @escaping @Sendable (DevToolsEvent) -> Void) {
        listeners[session] = listener
    }

    func stopListening(session: String) {
        listeners[session] = nil
    }

    /// Why the connection is closed; nil while it is open.
    var closed: String? { closedReason }

    /// Closes the socket; every command still waiting fails.
    func close(because reason: String = "the DevTools connection was closed") {
        if closedReason == nil { closedReason = reason }
        let waiting = pending
        pending = [:]
        for continuation in waiting.values { continuation.resume(throwing: DevToolsError(closedReason ?? reason)) }
        for listener in listeners.values { listener(DevToolsEvent(method: "Trainyard.closed", params: Data())) }
        listeners = [:]
        failOpening(reason)
        runner?.cancel()
    }

    private func expire(_ id: Int, _ reason: String) {
        pending.removeValue(forKey: id)?.resume(throwing: DevToolsError(reason))
    }

    private func receive(_ data: Data) {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: data) else { return }
        if let id = envelope.id {
            guard let continuation = pending.removeValue(forKey: id) else { return }
            if let error = envelope.error {
                continuation.resume(throwing: DevToolsError("\(error.message) (\(error.code))"))
            } else {
                continuation.resume(returning: (try? Self.member("result", of: data)) ?? Data("{}".utf8))
            }
        } else if let method = envelope.method {
            let params = (try? Self.member("params", of: data)) ?? Data("{}".utf8)
            let event = DevToolsEvent(method: method, params: params)
            if let session = envelope.sessionId {
                listeners[session]?(event)
            } else {
                for listener in listeners.values { listener(event) }
            }
        }
    }

    /// The JSON of one top-level member of a message.
    private static func member(_ name: String, of data: Data) throws -> Data {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any], let value = object[name]
        else { return Data("{}".utf8) }
        return try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
    }

    private struct Envelope: Decodable {
        struct Failure: Decodable {
            let code: Int
            let message: String
        }
        let id: Int?
        let method: String?
        let sessionId: String?
        let error: Failure?
    }
}

/// An event from the browser: its method (`Network.responseReceived`) and its parameters, as JSON.
struct DevToolsEvent: Sendable {
    let method: String
    let params: Data

    func decode<T: Decodable>(_ type: T.Type) -> T? { try? JSONDecoder().decode(T.self, from: params) }
}

/// What went wrong talking to the browser.
public struct DevToolsError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A JSON value in a command's parameters.
enum DevToolsValue: Encodable, Sendable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case object([String: DevToolsValue])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

import Foundation
import Testing
import TrainyardHTTP
import TrainyardTesting

/// The server's limits on client connections, tested over raw TCP against the real service:
/// idle, slow-header and slow-body connections are closed, a refusal closes the connection
/// instead of reading the rest of the body, unreadable headers get a JSON 400, and connections
/// over the cap get a 503.
@Suite(.serialized)
struct ConnectionLimitsTests {
    static let fast = ConnectionLimits(idleSeconds: 1, headerSeconds: 1, bodySeconds: 1, maxConnections: 64)
    /// Header and body deadlines well inside the idle one, so that they are what closes.
    static let slowClients = ConnectionLimits(idleSeconds: 60, headerSeconds: 1, bodySeconds: 1, maxConnections: 64)

    /// Runs `body` on a thread of its own: the raw client blocks.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await Task.detached { body() }.value
    }

    static func webhookHead(length: Int, token: String = ServiceHarness.webhookSecret) -> String {
        "POST /webhooks/gitlab HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "X-Gitlab-Event: Push Hook\r\nX-Gitlab-Token: \(token)\r\nX-Gitlab-Event-UUID: \(UUID())\r\n"
            + "Content-Length: \(length)\r\n\r\n"
    }

    @Test func aSilentConnectionIsClosed() async throws {
        try await ServiceHarness.run(connections: Self.fast) { harness in
            let port = harness.port
            let (text, closed) = await Self.blocking {
                guard let connection = RawConnection(port: port) else { return ("no connection", false) }
                return connection.readUntilClosed(seconds: 20)
            }
            #expect(closed && text.isEmpty, "the server closed a connection that sent nothing")
            // The server still answers new connections.
            let answer = try await harness.request("GET", "healthz")
            #expect(answer.status == 200)
        }
    }

    @Test func headersThatTrickleInGetA408AndTheConnectionIsClosed() async throws {
        try await ServiceHarness.run(connections: Self.slowClients) { harness in
            let port = harness.port
            let (text, closed) = await Self.blocking {
                guard let connection = RawConnection(port: port) else { return ("no connection", false) }
                connection.send("POST /webhooks/gitlab HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Gitlab-Event: Pu")
                return connection.readUntilClosed(seconds: 20)
            }
            #expect(text.hasPrefix("HTTP/1.1 408"))
            #expect(text.contains(#""code":"headers_too_slow""#))
            #expect(closed)
        }
    }

    @Test func aBodyThatStopsArrivingIsClosedAndNothingIsStored() async throws {
        try await ServiceHarness.run(connections: Self.slowClients) { harness in
            let port = harness.port
            let (_, closed) = await Self.blocking {
                guard let connection = RawConnection(port: port) else { return ("no connection", false) }
                connection.send(Self.webhookHead(length: 1000) + #"{"object_kind":"pu"#)
                return connection.readUntilClosed(seconds: 20)
            }
            #expect(closed)
            let stored = try await harness.store.recentDeliveries(limit: 10)
            #expect(stored.isEmpty)
        }
    }

    /// An unsigned delivery announcing 95 MiB is refused from its headers; the server closes the
    /// connection after the refusal instead of reading the body.
    @Test(arguments: [(ServiceHarness.webhookSecret + "-wrong", "401"), (ServiceHarness.webhookSecret, "413")])
    func aRefusalClosesTheConnectionWithoutReadingTheRestOfTheBody(token: String, status: String) async throws {
        try await ServiceHarness.run(connections: ConnectionLimits(bodySeconds: 120)) { harness in
            let port = harness.port
            let (text, closed) = await Self.blocking {
                guard let connection = RawConnection(port: port) else { return ("no connection", false) }
                connection.send(Self.webhookHead(length: 95 * 1024 * 1024, token: token))
                // Past the 5 MiB cap, so that the 413 is sent; far short of the announced length.
                connection.send([UInt8](repeating: UInt8(ascii: " "), count: 6 * 1024 * 1024))
                return connection.readUntilClosed(seconds: 30)
            }
            #expect(text.hasPrefix("HTTP/1.1 \(status)"))
            #expect(text.lowercased().contains("connection: close"))
            #expect(closed, "the server closed the connection instead of waiting for 89 MiB more")
        }
    }

    @Test(arguments: [
        ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\n\r\n", "could not be read"),
        (
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: \(String(repeating: "a", count: 40_000))\r\n\r\n",
            "larger than"
        ),
        ("GET /healthz HTTP/9.9 extra\r\n\r\n", "could not be read"),
    ])
    func unreadableHeadersGetAJSON400(request: String, message: String) async throws {
        try await ServiceHarness.run(connections: Self.fast) { harness in
            let port = harness.port
            let (text, closed) = await Self.blocking {
                guard let connection = RawConnection(port: port) else { return ("no connection", false) }
                connection.send(request)
                return connection.readUntilClosed(seconds: 20)
            }
            #expect(text.hasPrefix("HTTP/1.1 400"))
            #expect(text.contains("application/json"))
            #expect(text.contains(#""code":"bad_request""#) && text.contains(message))
            #expect(closed)
            let answer = try await harness.request("GET", "healthz")
            #expect(answer.status == 200)
        }
    }

    /// With 8 allowed, a ninth connection is answered 503 at once; once the others close, new
    /// connections are served again.
    @Test func connectionsOverTheCapGetA503() async throws {
        try await ServiceHarness.run(connections: ConnectionLimits(maxConnections: 8)) { harness in
            let port = harness.port
            let (text, closed) = await Self.blocking {
                let held = (0..<8).compactMap { _ in RawConnection(port: port) }
                // Each is counted when the server has set it up: one request on each makes sure.
                for connection in held {
                    connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    var byte: UInt8 = 0
                    _ = recv(connection.fd, &byte, 1, 0)
                }
                guard let extra = RawConnection(port: port) else { return ("no connection", false) }
                let answer = extra.readUntilClosed(seconds: 20)
                _ = held
                return answer
            }
            #expect(text.hasPrefix("HTTP/1.1 503"))
            #expect(text.contains(#""code":"too_many_connections""#))
            #expect(closed)
            // A new connection is served once the others closed.
            try await waitUntil {
                (try? await harness.request("GET", "healthz").status) == 200
            }
        }
    }
}

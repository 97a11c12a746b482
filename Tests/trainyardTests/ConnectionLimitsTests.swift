import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The server closes connections that stay silent, so idle sockets cannot pile up.
@Suite(.serialized)
struct ConnectionLimitsTests {
    /// Opens a TCP connection to the port and waits (at most `limit` seconds) until the server
    /// closes it; returns whether it did.
    static func serverCloses(port: Int, limit: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return false }
        var timeout = timeval(tv_sec: limit, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }

    @Test func aSilentConnectionIsClosed() async throws {
        try await ServiceHarness.run(idleConnectionSeconds: 1) { harness in
            let port = harness.port
            let closed = await Task.detached { Self.serverCloses(port: port, limit: 20) }.value
            #expect(closed, "the server closed a connection that sent nothing")
            // The server still answers new connections.
            let answer = try await harness.request("GET", "healthz")
            #expect(answer.status == 200)
        }
    }
}

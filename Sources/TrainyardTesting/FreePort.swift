import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ports for servers the tests start as separate processes (which must be told their port).
/// They are picked below Linux's ephemeral range (32768–60999), where no client connection of a
/// busy parallel test run takes its local port, checked free by binding them, and never handed
/// out twice in one test process.
public enum FreePort {
    private static let handedOut = Mutex<Set<Int>>([])

    /// The first of `count` consecutive free ports on 127.0.0.1.
    public static func pick(count: Int = 1) -> Int {
        for _ in 0..<1000 {
            let base = Int.random(in: 20_000..<(32_000 - count))
            let ports = Array(base..<(base + count))
            let taken = handedOut.withLock { used in
                guard ports.allSatisfy({ !used.contains($0) }) else { return true }
                used.formUnion(ports)
                return false
            }
            if taken { continue }
            if ports.allSatisfy(isFree) { return base }
        }
        // Nothing free after a thousand tries: let the caller's bind fail and say so.
        return Int.random(in: 20_000..<(32_000 - count))
    }

    /// Whether a listening socket could be bound to 127.0.0.1:`port` now.
    static func isFree(_ port: Int) -> Bool {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return withLoopback(port) { bind(fd, $0, $1) } == 0
    }

    /// Calls `body` with 127.0.0.1:`port` as a `sockaddr` and its length (for `bind`, `connect`).
    public static func withLoopback(_ port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}

import Synchronization

/// What the HTTP server allows one client connection, so that slow, silent or abusive clients
/// cannot hold the service's sockets and memory.
public struct ConnectionLimits: Hashable, Sendable {
    /// Seconds a connection may send nothing between requests before it is closed.
    public var idleSeconds: Int
    /// Seconds from a request's first byte until its headers are complete (slowloris).
    public var headerSeconds: Int
    /// Seconds from a request's headers until the end of its body.
    public var bodySeconds: Int
    /// Connections open at once; the next one is answered 503 and closed.
    public var maxConnections: Int
    /// Bytes of one header field, and of all of a request's header fields.
    public var maxHeaderFieldBytes: Int
    public var maxHeaderBytes: Int

    public init(
        idleSeconds: Int = 60, headerSeconds: Int = 10, bodySeconds: Int = 30, maxConnections: Int = 512,
        maxHeaderFieldBytes: Int = 16 * 1024, maxHeaderBytes: Int = 32 * 1024
    ) {
        self.idleSeconds = idleSeconds
        self.headerSeconds = headerSeconds
        self.bodySeconds = bodySeconds
        self.maxConnections = maxConnections
        self.maxHeaderFieldBytes = maxHeaderFieldBytes
        self.maxHeaderBytes = maxHeaderBytes
    }
}

/// How many connections are open, shared by every connection of one server.
public final class ConnectionCount: Sendable {
    private let open = Atomic<Int>(0)
    public init() {}

    /// Counts a new connection; `false` (and not counted) when `limit` are open already.
    func admit(limit: Int) -> Bool {
        while true {
            let current = open.load(ordering: .relaxed)
            guard current < limit else { return false }
            if open.compareExchange(expected: current, desired: current + 1, ordering: .relaxed).exchanged {
                return true
            }
        }
    }

    func leave() { open.subtract(1, ordering: .relaxed) }

    /// Connections open now.
    public var current: Int { open.load(ordering: .relaxed) }
}

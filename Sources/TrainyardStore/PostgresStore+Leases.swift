import PostgresNIO
import TrainyardCore
import TrainyardEngine

/// Leases with fencing epochs on the database's clock, and the notification every replica hears
/// when a delivery is stored.
extension PostgresStore {
    /// The `NOTIFY` channel of stored deliveries; the payload is the owner's key.
    static let channel = "trainyard_inbox"

    public func acquireLease(_ owner: Owner, holder: String, seconds: Int) async throws -> Lease? {
        // `old` is the row before the statement: a lease that ran out on another holder (one that
        // gave it up has holder '') tells how long ago it expired.
        let rows = try await rows(
            """
            WITH old AS (SELECT holder, expires_at FROM leases WHERE owner = \(owner.key))
            INSERT INTO leases AS l (owner, holder, epoch, expires_at)
            VALUES (\(owner.key), \(holder), 1, clock_timestamp() + make_interval(secs => \(Double(seconds))))
            ON CONFLICT (owner) DO UPDATE SET
                epoch = CASE WHEN l.holder = excluded.holder AND l.expires_at > clock_timestamp()
                    THEN l.epoch ELSE l.epoch + 1 END,
                holder = excluded.holder, expires_at = excluded.expires_at
            WHERE l.expires_at <= clock_timestamp() OR l.holder = excluded.holder
            RETURNING epoch, (
                SELECT (EXTRACT(EPOCH FROM clock_timestamp() - old.expires_at) * 1000)::bigint FROM old
                WHERE old.holder <> \(holder) AND old.holder <> ''
            )
            """)
        guard let row = rows.first else { return nil }
        let (epoch, ago) = try row.decode((Int64, Int64?).self)
        return Lease(owner: owner, holder: holder, epoch: epoch, takenOverAfter: ago)
    }

    public func renewLeases(holder: String, seconds: Int) async throws -> [Owner] {
        try await rows(
            """
            UPDATE leases SET expires_at = clock_timestamp() + make_interval(secs => \(Double(seconds)))
            WHERE holder = \(holder) AND expires_at > clock_timestamp() RETURNING owner
            """
        ).compactMap { Owner(key: try $0.decode(String.self)) }
    }

    /// Gives the lease up at once. When the owner still has work (a replica stopping), the other
    /// replicas hear it on the channel and take it over now rather than at their next beat.
    public func releaseLease(_ lease: Lease) async throws {
        try await rows(
            """
            WITH released AS (
                UPDATE leases SET expires_at = clock_timestamp(), holder = ''
                WHERE owner = \(lease.owner.key) AND holder = \(lease.holder) AND epoch = \(lease.epoch)
                RETURNING owner
            )
            SELECT pg_notify(\(Self.channel), r.owner) FROM released r
            WHERE EXISTS (SELECT 1 FROM timers t WHERE t.owner = r.owner)
                OR EXISTS (SELECT 1 FROM outbox o WHERE o.train = r.owner AND o.finished_at IS NULL)
                OR EXISTS (SELECT 1 FROM inbox i WHERE i.owner = r.owner AND i.finished_at IS NULL)
            """)
    }

    /// Listens on a connection of its own for as long as the store is open; after a lost
    /// connection it listens again (notifications are hints: the drivers re-read the tables).
    public func storedOwners() -> AsyncStream<Owner>? {
        let (stream, continuation) = AsyncStream<Owner>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let client = client
        let logger = logger
        let task = Task {
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: Self.channel) { notifications in
                            for try await notification in notifications {
                                if let owner = Owner(key: notification.payload) { continuation.yield(owner) }
                            }
                        }
                    }
                } catch {
                    if Task.isCancelled { break }
                    logger.warning(
                        "listening for stored deliveries failed; listening again", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        listeners.withLock { $0.append(task) }
        return stream
    }
}

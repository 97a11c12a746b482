import SQLiteNIO
import TrainyardCore
import TrainyardEngine

/// Leases on SQLite. One process owns the file, so they never change hands in production; they
/// are kept so that the store contract, and the engine's replica mode, behave the same on both
/// stores. The clock is this process's.
extension SQLiteStore {
    public func acquireLease(_ owner: Owner, holder: String, seconds: Int) async throws -> Lease? {
        let now = Int(Self.nowMilliseconds())
        return try await transaction { connection -> Lease? in
            let old = try await connection.query(
                "SELECT holder, expires_at FROM leases WHERE owner = ?", [.text(owner.key)]
            ).first
            let rows = try await connection.query(
                """
                INSERT INTO leases (owner, holder, epoch, expires_at) VALUES (?, ?, 1, ?)
                ON CONFLICT (owner) DO UPDATE SET
                    epoch = CASE WHEN holder = excluded.holder AND expires_at > ? THEN epoch ELSE epoch + 1 END,
                    holder = excluded.holder, expires_at = excluded.expires_at
                WHERE expires_at <= ? OR holder = excluded.holder
                RETURNING epoch
                """,
                [.text(owner.key), .text(holder), .integer(now + seconds * 1000), .integer(now), .integer(now)])
            guard let epoch = rows.first?.column("epoch")?.integer else { return nil }
            // A lease that ran out on another holder (one that gave it up has holder '').
            var ago: Int64?
            if let old, let previous = old.column("holder")?.string, previous != holder, !previous.isEmpty {
                ago = Int64(now - (old.column("expires_at")?.integer ?? now))
            }
            return Lease(owner: owner, holder: holder, epoch: Int64(epoch), takenOverAfter: ago)
        }
    }

    public func renewLeases(holder: String, seconds: Int) async throws -> [Owner] {
        let now = Int(Self.nowMilliseconds())
        let rows = try await transaction { connection in
            try await connection.query(
                "UPDATE leases SET expires_at = ? WHERE holder = ? AND expires_at > ? RETURNING owner",
                [.integer(now + seconds * 1000), .text(holder), .integer(now)])
        }
        return rows.compactMap { $0.column("owner")?.string.flatMap(Owner.init(key:)) }
    }

    public func releaseLease(_ lease: Lease) async throws {
        try await transaction { connection in
            _ = try await connection.query(
                "UPDATE leases SET expires_at = 0, holder = '' WHERE owner = ? AND holder = ? AND epoch = ?",
                [.text(lease.owner.key), .text(lease.holder), .integer(Int(lease.epoch))])
        }
    }

    public nonisolated func storedOwners() -> AsyncStream<Owner>? { nil }
}

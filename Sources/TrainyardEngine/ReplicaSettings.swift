import Synchronization

/// How a replica shares its store with others: under its own name, each owner driven by the one
/// replica that holds the owner's lease.
public struct ReplicaSettings: Hashable, Sendable {
    /// This replica's name in the lease table (host, process and a random part).
    public var holder: String
    /// How long a lease lasts unless renewed; a dead replica's trains are driven again within it.
    public var leaseSeconds: Int

    public init(holder: String, leaseSeconds: Int = 15) {
        self.holder = holder
        self.leaseSeconds = leaseSeconds
    }

    /// How often leases are renewed and ownerless work is looked for: a third of the lease.
    var beat: Duration { .milliseconds(max(100, leaseSeconds * 1000 / 3)) }
}

/// The lease a driver works under, read by every write of train state it makes.
enum DriverLease {
    @TaskLocal static var current: Lease?
}

/// When this replica last took or renewed each of its leases (monotonic), so a driver can tell
/// that its lease may have run out, or been taken, while the process was paused.
final class RenewalClock: Sendable {
    private let last = Mutex<[String: ContinuousClock.Instant]>([:])

    /// Notes that the leases of `owners` were taken or renewed by a request sent at `sent` (the
    /// database stamped them later, so they surely last from then); the others were not.
    func renewed(_ owners: [Owner], sent: ContinuousClock.Instant, replacingAll: Bool) {
        last.withLock { last in
            if replacingAll { last = [:] }
            for owner in owners { last[owner.key] = sent }
        }
    }

    /// When `owner`'s lease was last taken or renewed by this replica.
    func lastRenewal(of owner: Owner) -> ContinuousClock.Instant? { last.withLock { $0[owner.key] } }
}

/// A check an adapter makes right before a call that creates something on the forge (a note, a
/// pipeline), where the forge has no compare-and-swap. With replicas it throws ``FencedError``
/// when this process may have lost the lease meanwhile (its last renewal is older than half the
/// lease), so a replica that wakes from a pause does not repeat what its successor did; and a
/// replica that took a lease over from one whose lease ran out first waits until half a lease has
/// passed since then, so that a request the old holder sent in its last moments arrives first.
public enum CreationGuard {
    @TaskLocal public static var check: (@Sendable () async throws -> Void)?

    /// Runs the check of the task, if any (it may wait; see ``Lease/takenOverAfter``).
    public static func verify() async throws { try await check?() }
}

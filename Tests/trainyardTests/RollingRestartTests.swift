import Foundation
import Testing
import TrainyardTesting

#if canImport(Glibc)
    import Glibc
#endif

/// A rolling restart under load, as an upgrade does it: while the merge requests of a
/// ``ReplicaCluster`` are queued and land, each replica in turn gets SIGTERM, must stop by
/// itself, and is started again before the next one goes; round after round until every merge
/// request is done. A replica stopping gracefully finishes the step in hand and releases its
/// leases, so nothing may be done twice (notes included, unlike the kill battery) and no
/// acknowledged delivery may be lost. The stop and hand-over times are printed.
///
/// `TRAINYARD_ROLLING_MERGE_REQUESTS` (default 90, over 3 trains) makes it larger.
@Suite(.serialized)
struct RollingRestartTests {
    @Test func restartingEachReplicaInTurnLosesAndRepeatsNothing() async throws {
        let total = ProcessInfo.processInfo.environment["TRAINYARD_ROLLING_MERGE_REQUESTS"].flatMap(Int.init) ?? 90
        let cluster = try await ReplicaCluster.start(mergeRequests: total, name: "rolling")
        // Pipelines that take a little while keep merge requests on the trains through every
        // restart, even when a fast machine would land them all before the third one.
        await cluster.gitlab.setCIPolicy { _ in .success(after: .milliseconds(800)) }
        // Six merge requests of each train are queued only after the third restart, so that the
        // trains still have work then even when the others landed fast (or the restarts were slow).
        let workload = cluster.queue(reserve: 6, reserved: false)
        var reserved: Task<Void, Never>?
        var stops: [Duration] = []
        var handovers: [Duration] = []
        var restarts = 0
        let deadline = ContinuousClock.now.advanced(by: .seconds(600))
        do {
            rounds: while ContinuousClock.now < deadline {
                for index in cluster.replicas.indices {
                    if await cluster.unfinished().isEmpty { break rounds }
                    try await Task.sleep(for: .milliseconds(500))
                    guard let pid = cluster.replicas[index].pid else { continue }
                    let held = try await cluster.owners(heldBy: pid)
                    let signalled = ContinuousClock.now
                    let stopped = await cluster.replicas[index].terminate(within: .seconds(30))
                    #expect(stopped, "replica \(index) did not stop on SIGTERM within 30 s")
                    stops.append(ContinuousClock.now - signalled)
                    try await cluster.waitForHandover(of: held, from: pid)
                    if !held.isEmpty { handovers.append(ContinuousClock.now - signalled) }
                    try await cluster.restart(index)
                    restarts += 1
                    if restarts == 3 { reserved = cluster.queue(reserve: 6, reserved: true) }
                    await ForgeAudit.redeliverUnacknowledged(cluster.gitlab)
                }
            }
        } catch {
            workload.cancel()
            reserved?.cancel()
            await cluster.abandon()
            throw error
        }
        await workload.value
        await reserved?.value
        #expect(restarts >= 3, "every replica was restarted at least once while merge requests were on trains")
        try await cluster.audit(notesMayRepeat: false)
        await cluster.finish()
        func summary(_ values: [Duration]) -> String {
            let sorted = values.sorted()
            guard let last = sorted.last else { return "none" }
            return "median \(sorted[sorted.count / 2]), max \(last)"
        }
        print(
            "rolling restart: \(total) merge requests over 3 trains, \(restarts) restarts; "
                + "SIGTERM to exit: \(summary(stops)); hand-overs (\(handovers.count)): \(summary(handovers)) "
                + "with \(ReplicaCluster.leaseSeconds) s leases")
    }
}

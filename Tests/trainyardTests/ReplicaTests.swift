import Foundation
import Testing
import TrainyardTesting

#if canImport(Glibc)
    import Glibc
#endif

/// Three replicas (a ``ReplicaCluster``) while one of them is SIGKILLed (and started again) or
/// SIGSTOPped (and resumed) every few seconds. Afterwards: no merge request merged twice, no
/// untested commit landed, every merge request landed or removed with a reason, nothing done
/// twice; the hand-over times of the trains a stopped replica held are printed.
///
/// `TRAINYARD_REPLICA_MERGE_REQUESTS` (default 102, over 3 trains) makes it larger.
///
/// Known issue, recorded with `withKnownIssue` rather than hidden: before the take-over wait
/// (ADR 3), one note (a single outbox row) was posted twice across replicas in about one run in
/// four. Until enough runs show it gone, a repeat is recorded as that issue, with the requests
/// that made it printed.
@Suite(.serialized)
struct ReplicaTests {
    @Test func threeReplicasUnderKillsAndPausesLandEachMergeRequestOnce() async throws {
        let total = ProcessInfo.processInfo.environment["TRAINYARD_REPLICA_MERGE_REQUESTS"].flatMap(Int.init) ?? 102
        var random = SplitMix(seed: 7)
        let cluster = try await ReplicaCluster.start(mergeRequests: total, name: "replicas")
        let workload = cluster.queueAll()
        var handovers: [Duration] = []
        var events: [String] = []
        let deadline = ContinuousClock.now.advanced(by: .seconds(600))
        do {
            while ContinuousClock.now < deadline {
                if await cluster.unfinished().isEmpty { break }
                try await Task.sleep(for: .milliseconds(1_500 + Int(random.next() % 2_000)))
                let victim = Int(random.next() % 3)
                guard let pid = cluster.replicas[victim].pid else { continue }
                let held = try await cluster.owners(heldBy: pid)
                let stopped = ContinuousClock.now
                if random.next() % 2 == 0 {
                    events.append("kill \(victim)")
                    await cluster.replicas[victim].stop(SIGKILL)
                    try await cluster.waitForHandover(of: held, from: pid)
                    if !held.isEmpty { handovers.append(ContinuousClock.now - stopped) }
                    try await cluster.restart(victim)
                } else {
                    events.append("pause \(victim)")
                    kill(pid, SIGSTOP)
                    try await cluster.waitForHandover(of: held, from: pid)
                    if !held.isEmpty { handovers.append(ContinuousClock.now - stopped) }
                    kill(pid, SIGCONT)
                }
                await ForgeAudit.redeliverUnacknowledged(cluster.gitlab)
            }
        } catch {
            workload.cancel()
            await cluster.abandon()
            throw error
        }
        await workload.value
        try await cluster.audit(notesMayRepeat: true)
        await cluster.finish()
        let sorted = handovers.sorted()
        let median = sorted.isEmpty ? .zero : sorted[sorted.count / 2]
        print(
            "replicas: \(total) merge requests over 3 trains, \(events.count) disruptions "
                + "(\(events.filter { $0.hasPrefix("kill") }.count) kills), hand-overs: \(sorted.count), "
                + "median \(median), max \(sorted.last ?? .zero) with \(ReplicaCluster.leaseSeconds) s leases")
    }
}

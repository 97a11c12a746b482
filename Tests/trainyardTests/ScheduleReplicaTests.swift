import Foundation
import Testing
import TrainyardCore
import TrainyardTesting

#if canImport(Glibc)
    import Glibc
#endif

/// Two replicas of the real binary on one PostgreSQL database fire three schedules with a clock
/// 20 times faster than the real one (a cron minute every 3 s), shared through
/// `TRAINYARD_CLOCK_ANCHOR`. At that rate the 10 minutes' grace after a slot are 30 real seconds,
/// time enough for a take-over on a loaded machine. The replica holding the busiest schedule is SIGKILLed mid-way and
/// started again later. Afterwards every schedule has exactly one pipeline per slot and no slot
/// between its first and last was skipped.
@Suite(.serialized)
struct ScheduleReplicaTests {
    /// Name, project, cron, zone and period of each schedule.
    static let schedules: [(name: String, project: String, cron: String, zone: String, period: Int64)] = [
        ("every-minute", "group/one", "* * * * *", "Europe/Berlin", 60_000),
        ("two-minutes", "group/two", "*/2 * * * *", "America/New_York", 120_000),
        ("three-minutes", "group/three", "*/3 * * * *", "Asia/Kolkata", 180_000),
    ]

    static var configuration: String {
        var text = "schedules:\n"
        for schedule in schedules {
            text += """
                  - name: \(schedule.name)
                    project: \(schedule.project)
                    ref: main
                    cron: "\(schedule.cron)"
                    time_zone: \(schedule.zone)
                    variables: {SUITE: nightly}

                """
        }
        return text
    }

    @Test func twoReplicasFireEachSlotOnceWhileOneIsKilled() async throws {
        let anchor = Date().formatted(.iso8601)
        let cluster = try await ReplicaCluster.start(
            mergeRequests: 0, name: "schedule-replicas", replicas: 2, extraConfiguration: Self.configuration,
            environment: ["TRAINYARD_CLOCK_RATE": "20", "TRAINYARD_CLOCK_ANCHOR": anchor])
        let gitlab = cluster.gitlab
        @Sendable func pipelines(_ name: String) async -> [FakePipeline] {
            let project = Self.schedules.first { $0.name == name }?.project ?? ""
            return await gitlab.pipelines(project: project).filter { $0.variables["TRAINYARD_SCHEDULE"] == name }
        }
        var killed: [String] = []
        do {
            try await waitUntil(timeout: .seconds(120)) { await pipelines("every-minute").count >= 3 }
            // Kill the replica that holds the every-minute schedule (or the first, between wake-ups).
            var victim = 0
            for index in cluster.replicas.indices {
                guard let pid = cluster.replicas[index].pid else { continue }
                if try await cluster.owners(heldBy: pid).contains("schedule:every-minute") { victim = index }
            }
            let pid = try #require(cluster.replicas[victim].pid)
            killed = try await cluster.owners(heldBy: pid)
            await cluster.replicas[victim].stop(SIGKILL)
            let before = await pipelines("every-minute").count
            // The survivor takes the schedules over when the lease ends (3 s: a minute of this clock).
            try await waitUntil(timeout: .seconds(120)) { await pipelines("every-minute").count >= before + 4 }
            try await cluster.restart(victim)
            let restarted = await pipelines("every-minute").count
            try await waitUntil(timeout: .seconds(120)) { await pipelines("every-minute").count >= restarted + 3 }
            try await waitUntil(timeout: .seconds(120)) { await pipelines("three-minutes").count >= 4 }
        } catch {
            await cluster.abandon()
            throw error
        }
        for replica in cluster.replicas {
            #expect(await replica.terminate(within: .seconds(30)))
        }
        print("schedule replicas: the killed replica held \(killed)")
        for schedule in Self.schedules {
            let created = await pipelines(schedule.name)
            let slots = created.compactMap { $0.variables[ScheduleDefinition.slotVariable] }
            #expect(slots.count == created.count && Set(slots).count == slots.count, "\(schedule.name): \(slots)")
            let times = slots.compactMap { Int64($0.dropFirst("slot@".count)) }.sorted()
            #expect(times.count == slots.count, "\(schedule.name): only cron slots, \(slots)")
            let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
            #expect(gaps.allSatisfy { $0 == schedule.period }, "\(schedule.name): no slot skipped, gaps \(gaps)")
            #expect(created.allSatisfy { $0.variables["SUITE"] == "nightly" && $0.ref == "main" })
        }
        await cluster.finish()
    }
}

import Foundation
import Testing
import TrainyardCore
import TrainyardTesting

@testable import trainyard

/// Schedules in the running service against the fake GitLab, with a clock 20 times faster than
/// the real one (a cron minute in 3 seconds): each slot gets exactly one pipeline with its
/// variables, a restart loses nothing and repeats nothing, and a failed run alerts a recording chat
/// server. At that rate the 10 minutes' grace after a slot are 30 real seconds, so a loaded machine
/// that stalls the service for a while makes slots late, not missed (at 60 times, a 15-second
/// stall on a CI machine skipped five slots). Both services read one clock through
/// `TRAINYARD_CLOCK_ANCHOR`, so the restart does not move it back.
struct ScheduleEndToEndTests {
    @Test func everySlotGetsExactlyOnePipelineAndAFailureAlertsOnce() async throws {
        let chat = FakeChatServer()
        try await chat.start()
        defer { Task { await chat.stop() } }
        // Pipelines of the `smoke` schedule fail; the others pass.
        let harness = try await ServiceHarness.start(policy: { job in
            job.variables["TRAINYARD_SCHEDULE"] == "smoke" ? .failed : .success
        })
        var config = harness.config
        config.clockEnvironment = [
            "TRAINYARD_CLOCK_RATE": "20", "TRAINYARD_CLOCK_ANCHOR": Date().formatted(.iso8601),
        ]
        config.schedules = [
            ScheduleDefinition(
                name: "every-minute", forge: "gitlab", project: ServiceHarness.project, ref: "main", cron: "* * * * *",
                timeZone: "Europe/Berlin", variables: ["SUITE": "full"]),
            ScheduleDefinition(
                name: "smoke", forge: "gitlab", project: ServiceHarness.project, ref: "main", cron: "*/2 * * * *",
                timeZone: "America/New_York"),
        ]
        config.scheduleAlerts.slackURL = URL(string: await chat.url("/alerts"))
        var running = try await harness.restarted(with: config)
        @Sendable func scheduled(_ name: String) async -> [FakePipeline] {
            await harness.gitlab.pipelines(project: ServiceHarness.project).filter {
                $0.variables["TRAINYARD_SCHEDULE"] == name
            }
        }
        do {
            try await waitUntil(timeout: .seconds(180)) { await scheduled("every-minute").count >= 3 }
            // A restart in the middle: nothing is run twice, and the schedule goes on.
            running = try await running.restarted(with: config)
            try await waitUntil(timeout: .seconds(180)) { await scheduled("every-minute").count >= 6 }
            try await waitUntil(timeout: .seconds(120)) { await chat.posts.contains { $0.text.contains("smoke") } }
            try await Task.sleep(for: .seconds(9))
            // Enough failed runs for a streak, and still one alert.
            #expect(await scheduled("smoke").count >= 2)
        } catch {
            await running.stop()
            throw error
        }
        let minute = await scheduled("every-minute")
        await running.stop()
        let slots = minute.map { $0.variables[ScheduleDefinition.slotVariable] ?? "" }
        #expect(Set(slots).count == slots.count, "one pipeline per slot: \(slots)")
        #expect(minute.allSatisfy { $0.variables["SUITE"] == "full" && $0.ref == "main" && $0.source == "api" })
        let times = slots.compactMap { Int64($0.dropFirst("slot@".count)) }.sorted()
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 60_000 }, "no slot skipped: \(times)")
        let alerts = await chat.posts.filter { $0.text.contains("smoke") }
        // One alert per failure streak. Delivery is at least once: under heavy load a send that
        // timed out, or one cut short by the restart, is sent again, so the same alert may arrive
        // twice, but never an alert about another failure of the streak.
        #expect(Set(alerts.map(\.text)).count == 1, "one alert per failure streak: \(alerts.map(\.text))")
        #expect(alerts.first?.text.contains("is failing: pipeline #") == true)
        #expect(alerts.first?.text.contains("/pipelines/") == true, "with the pipeline's link")
    }
}

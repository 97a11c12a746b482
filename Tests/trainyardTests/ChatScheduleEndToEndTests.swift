import Foundation
import Testing
import TrainyardCore
import TrainyardTesting

@testable import trainyard

/// `/train schedule …` against the running service and the fake GitLab: a Reporter may not run a
/// schedule, a Developer runs it (one pipeline with the schedule's variables), only a Maintainer
/// pauses it, and `schedule list` shows the run's result. Later answers arrive at each command's
/// `response_url`.
struct ChatScheduleEndToEndTests {
    @Test func chatRunsPausesAndListsSchedulesWithTheForgeUsersRoles() async throws {
        let chat = FakeChatServer()
        try await chat.start()
        defer { Task { await chat.stop() } }
        let started = try await ServiceHarness.start(chatops: ChatOpsEndToEndTests.chatops)
        var config = started.config
        config.schedules = [
            ScheduleDefinition(
                name: "nightly", forge: "gitlab", project: ServiceHarness.project, ref: "main", cron: "30 2 * * *",
                timeZone: "Europe/Berlin", variables: ["SUITE": "full"])
        ]
        let harness = try await started.restarted(with: config)
        try await harness.running { harness in
            func answered(_ path: String, _ text: String) async throws {
                try await waitUntil { await chat.posts.contains { $0.path == path && $0.text.contains(text) } }
            }
            @Sendable func scheduled() async -> [FakePipeline] {
                await harness.gitlab.pipelines(project: ServiceHarness.project).filter {
                    $0.variables["TRAINYARD_SCHEDULE"] == "nightly"
                }
            }
            await harness.gitlab.setAccessLevel(username: "alice", level: 30)
            await harness.gitlab.setAccessLevel(username: "rita", level: 20)
            await harness.gitlab.setAccessLevel(username: "maya", level: 40)

            _ = try await ChatOpsEndToEndTests.slack(
                harness, user: "URITA", text: "schedule run nightly", replyTo: await chat.url("/commands/1"))
            try await answered(
                "/commands/1",
                "Refused: running a schedule takes the Developer role or higher in group/app, and @rita (Slack) has "
                    + "the Reporter role.")

            let (status, answer) = try await ChatOpsEndToEndTests.slack(
                harness, user: "UALICE", text: "schedule run nightly", replyTo: await chat.url("/commands/2"))
            #expect(status == 200 && answer["response_type"] as? String == "in_channel")
            try await answered("/commands/2", "Started a run of schedule `nightly` (group/app, `main`).")
            try await waitUntil { await scheduled().first?.status == "success" }
            let pipelines = await scheduled()
            #expect(pipelines.count == 1, "the refused command created nothing")
            #expect(pipelines.first?.variables["SUITE"] == "full" && pipelines.first?.ref == "main")

            _ = try await ChatOpsEndToEndTests.slack(
                harness, user: "UALICE", text: "schedule pause nightly", replyTo: await chat.url("/commands/3"))
            try await answered("/commands/3", "Refused: pausing and resuming a schedule takes the Maintainer role")
            _ = try await ChatOpsEndToEndTests.mattermost(
                harness, text: "schedule pause nightly", replyTo: await chat.url("/hooks/commands/4"))
            try await answered("/hooks/commands/4", "Paused schedule `nightly` (group/app, `main`).")

            let id = pipelines.first?.id ?? 0
            try await waitUntil {
                let (_, listed) = try await ChatOpsEndToEndTests.slack(
                    harness, user: "URITA", text: "schedule list group/app")
                let text = listed["text"] as? String ?? ""
                return text.contains(
                    "`nightly` group/app `main` `30 2 * * *` Europe/Berlin: paused by @maya (Mattermost)")
                    && text.contains("; last #\(id) success")
            }
        }
    }
}

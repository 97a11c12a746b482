import Foundation
import Testing
import TrainyardTesting

@testable import TrainyardHTTP

/// Slack and Mattermost slash commands against the running service, the fake GitLab and a fake
/// `response_url` server: a mapped Developer's `/train merge` lands the merge request, a Reporter
/// is refused in chat alone, a Developer may not pause, and a Maintainer pauses and
/// resumes the train from Mattermost; the later answers arrive at each command's address.
struct ChatOpsEndToEndTests {
    static let secret = "slack-signing-secret-for-tests"
    static let token = "mattermost-token-for-tests"
    static let chatops = ChatOpsSettings(
        slackSigningSecret: secret, mattermostToken: token,
        users: [
            .init(forge: "gitlab", username: "alice", slack: "UALICE"),
            .init(forge: "gitlab", username: "rita", slack: "URITA"),
            .init(forge: "gitlab", username: "maya", mattermost: "mm-maya"),
        ], replyHosts: ["127.0.0.1"])

    static func slack(
        _ harness: ServiceHarness, user: String, text: String, replyTo: String = ""
    ) async throws -> (Int, [String: Any]) {
        let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let reply = replyTo.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let body = Data(
            "team_id=T1&user_id=\(user)&command=%2Ftrain&text=\(encoded)&trigger_id=\(UUID().uuidString)&response_url=\(reply)"
                .utf8)
        let timestamp = String(Int(Date().timeIntervalSince1970))
        return try await harness.request(
            "POST", "chatops/slack",
            headers: [
                "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": SlackSignature.sign(secret: secret, timestamp: timestamp, body: body),
            ], body: body)
    }

    static func mattermost(
        _ harness: ServiceHarness, text: String, replyTo: String = ""
    ) async throws -> (Int, [String: Any]) {
        let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let reply = replyTo.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return try await harness.request(
            "POST", "chatops/mattermost",
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Authorization": "Token \(token)"],
            body: Data("user_id=mm-maya&command=%2Ftrain&text=\(encoded)&response_url=\(reply)".utf8))
    }

    @Test func chatCommandsDriveTheTrainWithTheForgeUsersRoles() async throws {
        let chat = FakeChatServer()
        try await chat.start()
        defer { Task { await chat.stop() } }
        let harness = try await ServiceHarness.start(chatops: Self.chatops)
        try await harness.running { harness in
            /// Waits for a later answer at `path` that contains `text`.
            func answered(_ path: String, _ text: String) async throws {
                try await waitUntil { await chat.posts.contains { $0.path == path && $0.text.contains(text) } }
            }
            await harness.gitlab.setAccessLevel(username: "alice", level: 30)
            await harness.gitlab.setAccessLevel(username: "rita", level: 20)
            await harness.gitlab.setAccessLevel(username: "maya", level: 40)
            let first = try await harness.openMergeRequest("chat-one", ["one.txt": "1\n"])
            let second = try await harness.openMergeRequest("chat-two", ["two.txt": "2\n"])

            let (status, answer) = try await Self.slack(
                harness, user: "UALICE", text: "merge group/app!\(first)", replyTo: await chat.url("/commands/1"))
            #expect(status == 200 && answer["response_type"] as? String == "in_channel")
            #expect((answer["text"] as? String)?.hasSuffix("the answer follows on the merge request and here.") == true)
            try await answered("/commands/1", "Added !\(first) to the merge train of `main`")
            try await harness.waitFor(first, state: "merged")
            try await harness.waitForNote(first, containing: "Merged !\(first) into `main`")
            try await answered("/commands/1", "Merged !\(first) into `main`")

            _ = try await Self.slack(
                harness, user: "URITA", text: "r+ group/app!\(second)", replyTo: await chat.url("/commands/2"))
            try await answered("/commands/2", "@rita (Slack) cannot give Trainyard commands")
            let notes = await harness.mergeRequest(second)?.notes ?? []
            #expect(!notes.contains { $0.contains("cannot give") }, "a chat refusal is not posted on the merge request")
            _ = try await Self.slack(
                harness, user: "UALICE", text: "pause group/app main", replyTo: await chat.url("/commands/3"))
            try await answered("/commands/3", "Refused: pausing and resuming take the Maintainer role or higher")
            #expect(await harness.mergeRequest(second)?.state == "opened")

            let (_, paused) = try await Self.mattermost(
                harness, text: "pause group/app main release freeze", replyTo: await chat.url("/hooks/commands/4"))
            try await answered("/hooks/commands/4", "Paused the merge train of `main` in group/app (release freeze).")
            #expect((paused["text"] as? String)?.contains("pause the merge train of `main`") == true)
            try await waitUntil {
                let (_, trains) = try await harness.request(
                    "GET", "api/v1/trains", headers: ["Authorization": "Bearer \(ServiceHarness.apiToken)"])
                let list = trains["trains"] as? [[String: Any]] ?? []
                return list.contains { ($0["paused"] as? [String: Any])?["reason"] as? String == "release freeze" }
            }
            _ = try await Self.slack(harness, user: "UALICE", text: "merge group/app!\(second)")
            try await harness.waitForNote(second, containing: "Added !\(second)")
            let (_, standing) = try await Self.slack(harness, user: "URITA", text: "status group/app!\(second)")
            let text = standing["text"] as? String ?? ""
            #expect(text.hasPrefix("group/app!\(second): ") && text.contains("The train is paused (release freeze"))
            _ = try await Self.mattermost(harness, text: "resume group/app main")
            try await harness.waitFor(second, state: "merged")
        }
    }

    /// Once a pipeline of the train passed, the merge note, `status` in chat and
    /// `GET /api/v1/trains` all give a queued change's ETA.
    @Test func mergeNotesStatusAndTheAPIGiveTheETA() async throws {
        let slow: @Sendable (FakeCIJob) -> FakePipelineOutcome? = { job in
            job.file("slow.txt") != nil ? .success(after: .seconds(3_600)) : .success(after: .milliseconds(500))
        }
        let harness = try await ServiceHarness.start(policy: slow, chatops: Self.chatops)
        try await harness.running { harness in
            await harness.gitlab.setAccessLevel(username: "alice", level: 30)
            let first = try await harness.openMergeRequest("eta-one", ["one.txt": "1\n"])
            _ = try await Self.slack(harness, user: "UALICE", text: "merge group/app!\(first)")
            try await harness.waitForNote(
                first, containing: "An ETA is given once a pipeline of this train has passed.")
            try await harness.waitFor(first, state: "merged")

            let second = try await harness.openMergeRequest("eta-two", ["slow.txt": "2\n"])
            _ = try await Self.slack(harness, user: "UALICE", text: "merge group/app!\(second)")
            try await harness.waitForNote(second, containing: "Expected to land in")
            let (_, standing) = try await Self.slack(harness, user: "UALICE", text: "status group/app!\(second)")
            let standingText = standing["text"] as? String ?? ""
            #expect(standingText.contains("Expected to land in"))
            #expect(
                standingText.contains("\nLast decisions:\n- ")
                    && standingText.contains("UTC queued: Queued at position 1"))
            let (_, trains) = try await harness.request(
                "GET", "api/v1/trains", headers: ["Authorization": "Bearer \(ServiceHarness.apiToken)"])
            let queue = (trains["trains"] as? [[String: Any]])?.first?["queue"] as? [[String: Any]] ?? []
            let change = try #require(queue.first { $0["number"] as? Int == second })
            #expect((change["etaSeconds"] as? Int).map { $0 >= 0 } == true)
            #expect((change["eta"] as? String)?.hasSuffix("Z") == true)

            // The car's pipeline runs for an hour unless it is finished here.
            @Sendable func carPipelines() async -> [FakePipeline] {
                await harness.gitlab.pipelines(project: ServiceHarness.project).filter {
                    $0.ref.hasPrefix("trainyard/") && ($0.status == "running" || $0.status == "pending")
                }
            }
            try await waitUntil { await !carPipelines().isEmpty }
            for pipeline in await carPipelines() {
                await harness.gitlab.finishPipeline(project: ServiceHarness.project, id: pipeline.id, status: "success")
            }
            try await harness.waitFor(second, state: "merged")
        }
    }
}

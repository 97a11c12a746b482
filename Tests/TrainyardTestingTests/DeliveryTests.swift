import Foundation
import Testing
@testable import TrainyardTesting

@Suite struct DeliveryTests {
    let project = TestEnvironment.project

    @Test func redeliveryRepeatsUUIDIdempotencyKeyAndBody() async throws {
        try await TestEnvironment.run { env in
            _ = await env.gitlab.comment(project: project, iid: 1, body: "no such merge request")
            let iid = try await env.gitlab.createMergeRequest(
                project: project, sourceBranch: "f", title: "F", files: ["f": "f\n"])
            await env.gitlab.comment(project: project, iid: iid, body: "hello")
            await env.gitlab.waitForDeliveries()
            let original = try #require(await env.gitlab.deliveries().first { $0.event == "Note Hook" })
            #expect(original.statusCode == 200)
            #expect(!original.isRedelivery)
            await env.gitlab.redeliver(original)
            let redelivered = try #require(await env.gitlab.deliveries().last)
            #expect(redelivered.isRedelivery)
            #expect(redelivered.uuid == original.uuid)
            #expect(redelivered.body == original.body)
            #expect(redelivered.sequence > original.sequence)

            let received = await env.receiver.log.hooks(event: "Note Hook")
            #expect(received.count == 2)
            #expect(received.map { $0.headers["x-gitlab-event-uuid"] } == [original.uuid, original.uuid])
            #expect(received.map { $0.headers["idempotency-key"] } == [original.uuid, original.uuid])
            #expect(received[0].body == received[1].body)
            let sequences = await env.gitlab.deliveries().map(\.sequence)
            #expect(sequences == Array(1...sequences.count))
        }
    }

    @Test func unreachableReceiversAreRecordedAsFailures() async throws {
        try await TestEnvironment.run { env in
            await env.gitlab.addWebhook(project: project, url: URL(string: "http://127.0.0.1:9/nothing")!, token: "t")
            await env.gitlab.comment(project: project, iid: 1, body: "ignored")
            _ = try await env.gitlab.createMergeRequest(
                project: project, sourceBranch: "f", title: "F", files: ["f": "f\n"])
            await env.gitlab.waitForDeliveries()
            let toNowhere = await env.gitlab.deliveries().filter { $0.url.port == 9 }
            #expect(!toNowhere.isEmpty)
            #expect(toNowhere.allSatisfy { $0.statusCode == nil && $0.error != nil })
            let webhookUUIDs = Set(await env.gitlab.deliveries().map(\.webhookUUID))
            #expect(webhookUUIDs.count == 2)
        }
    }

    @Test func waitUntilThrowsADescriptiveTimeout() async throws {
        let error = await #expect(throws: WaitUntilTimeout.self) {
            try await waitUntil(timeout: .milliseconds(60)) { false }
        }
        #expect(error?.description.contains("DeliveryTests.swift") == true)
    }

    @Test func bashHookReportsPushesWithoutCurl() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fakegitlab-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let gitlab = FakeGitLab(root: root)
        await gitlab.useHookTransport(.bashTCP)
        try await gitlab.start()
        do {
            try await gitlab.createProject(path: "solo", files: ["a": "a\n"])
            let hook = try String(
                contentsOf: root.appendingPathComponent("repos/solo.git/hooks/post-receive"), encoding: .utf8)
            #expect(hook.contains("/dev/tcp"))
            #expect(!hook.contains("curl --"))
            let sha = try await gitlab.push(
                project: "solo", branch: "main", files: ["b": "b\n"], message: "B", pushOptions: ["ci.skip"])
            #expect(await gitlab.pipelines(project: "solo").isEmpty)
            let second = try await gitlab.push(project: "solo", branch: "main", files: ["c": "c\n"], message: "C")
            let pipelines = await gitlab.pipelines(project: "solo")
            #expect(pipelines.map(\.sha) == [second])
            #expect(pipelines.first?.beforeSha == sha)
        } catch {
            await gitlab.stop()
            throw error
        }
        await gitlab.stop()
    }
}

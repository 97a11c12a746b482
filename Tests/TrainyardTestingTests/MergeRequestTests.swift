import Foundation
import Testing
import TrainyardTesting

@Suite struct MergeRequestTests {
    let project = TestEnvironment.project

    @Test func createProjectHostsARealBareRepository() async throws {
        try await TestEnvironment.run { env in
            let fake = try #require(await env.gitlab.project(project))
            #expect(fake.id == 1)
            #expect(fake.defaultBranch == "main")
            #expect(fake.gitURL.isFileURL)
            let head = try #require(await env.gitlab.branchHead(project: project, branch: "main"))
            #expect(await env.gitlab.fileContents(project: project, sha: head, path: "README.md") == "hello\n")
            #expect(await env.gitlab.firstParents(project: project, branch: "main") == [head])
            let isBare = try await env.git(["rev-parse", "--is-bare-repository"], in: fake.gitURL)
            #expect(isBare == "true")
            let pushOptions = try await env.git(["config", "receive.advertisePushOptions"], in: fake.gitURL)
            #expect(pushOptions == "true")
            #expect(await env.gitlab.pipelines(project: project).isEmpty)
            await env.gitlab.waitForDeliveries()
            #expect(await env.gitlab.deliveries().isEmpty)
        }
    }

    @Test func openingAMergeRequestPushesTheBranchAndDeliversAnOpenHook() async throws {
        try await TestEnvironment.run { env in
            let iid = try await env.gitlab.createMergeRequest(
                project: project, sourceBranch: "feature", title: "Add feature", files: ["feature.txt": "feature\n"]
            )
            #expect(iid == 1)
            let mergeRequest = try #require(await env.gitlab.mergeRequest(project: project, iid: 1))
            #expect(mergeRequest.state == "opened")
            #expect(mergeRequest.sourceBranch == "feature")
            #expect(mergeRequest.targetBranch == "main")
            #expect(await env.gitlab.branchHead(project: project, branch: "feature") == mergeRequest.sha)
            #expect(
                await env.gitlab.fileContents(project: project, sha: mergeRequest.sha, path: "feature.txt")
                    == "feature\n")
            #expect(
                await env.gitlab.fileContents(project: project, sha: mergeRequest.sha, path: "README.md") == "hello\n")
            let gitURL = try #require(await env.gitlab.project(project)).gitURL
            #expect(try await env.git(["rev-parse", "refs/merge-requests/1/head"], in: gitURL) == mergeRequest.sha)

            try await waitUntil { await env.receiver.log.hooks(event: "Merge Request Hook").count == 1 }
            let events = await env.receiver.log.hooks.map(\.event)
            #expect(events.first == "Push Hook")
            let hook = try #require(await env.receiver.log.hooks(event: "Merge Request Hook").first)
            #expect(hook.headers["x-gitlab-token"] == TestEnvironment.hookToken)
            #expect(hook.headers["content-type"] == "application/json")
            #expect(hook.headers["user-agent"] == "GitLab/17.5.0")
            let uuid = try #require(hook.headers["x-gitlab-event-uuid"])
            #expect(hook.headers["idempotency-key"] == uuid)
            #expect(hook.headers["x-gitlab-webhook-uuid"] != nil)
            #expect(hook.headers["x-gitlab-instance"] == env.gitlab.baseURL.absoluteString)

            let payload = try hook.json()
            #expect(payload["object_kind"] as? String == "merge_request")
            #expect(payload["event_type"] as? String == "merge_request")
            #expect((payload["user"] as? [String: Any])?["username"] as? String == "alice")
            let projectJSON = try #require(payload["project"] as? [String: Any])
            #expect(projectJSON["id"] as? Int == 1)
            #expect(projectJSON["path_with_namespace"] as? String == project)
            #expect(projectJSON["default_branch"] as? String == "main")
            #expect(projectJSON["git_http_url"] as? String == gitURL.absoluteString)
            let attributes = try #require(payload["object_attributes"] as? [String: Any])
            #expect(attributes["iid"] as? Int == 1)
            #expect(attributes["action"] as? String == "open")
            #expect(attributes["state"] as? String == "opened")
            #expect(attributes["title"] as? String == "Add feature")
            #expect(attributes["source_branch"] as? String == "feature")
            #expect(attributes["target_branch"] as? String == "main")
            #expect(attributes["oldrev"] == nil)
            let lastCommit = try #require(attributes["last_commit"] as? [String: Any])
            #expect(lastCommit["id"] as? String == mergeRequest.sha)
            #expect(lastCommit["message"] as? String == "Add feature\n")

            // The receiver sees the hook before the fake has logged the answer to it.
            let gitlab = env.gitlab
            try await waitUntil { await gitlab.deliveries().contains { $0.uuid == uuid && $0.statusCode != nil } }
            let deliveries = await env.gitlab.deliveries()
            let delivery = try #require(deliveries.first { $0.uuid == uuid })
            #expect(delivery.event == "Merge Request Hook")
            #expect(delivery.action == "open")
            #expect(delivery.statusCode == 200)
            #expect(delivery.body == hook.body)
        }
    }

    @Test func commentsCloseReopenAndApproveDeliverHooks() async throws {
        try await TestEnvironment.run { env in
            let iid = try await env.gitlab.createMergeRequest(
                project: project, sourceBranch: "topic", title: "Topic", files: ["topic.txt": "t\n"], author: "carol"
            )
            #expect(await env.gitlab.comment(project: project, iid: iid, body: "/merge") != nil)
            #expect(await env.gitlab.comment(project: project, iid: 99, body: "nobody home") == nil)
            #expect(await env.gitlab.closeMergeRequest(project: project, iid: iid))
            #expect(await env.gitlab.reopenMergeRequest(project: project, iid: iid))
            #expect(await env.gitlab.approveMergeRequest(project: project, iid: iid))

            try await waitUntil { await env.receiver.log.hooks(event: "Merge Request Hook").count == 4 }
            #expect(
                await env.receiver.log.actions(event: "Merge Request Hook") == ["open", "close", "reopen", "approved"])
            let note = try #require(await env.receiver.log.hooks(event: "Note Hook").first).json()
            #expect(note["object_kind"] as? String == "note")
            let noteAttributes = try #require(note["object_attributes"] as? [String: Any])
            #expect(noteAttributes["note"] as? String == "/merge")
            #expect(noteAttributes["noteable_type"] as? String == "MergeRequest")
            let noteMergeRequest = try #require(note["merge_request"] as? [String: Any])
            #expect(noteMergeRequest["iid"] as? Int == iid)
            #expect(noteMergeRequest["source_branch"] as? String == "topic")
            #expect(noteMergeRequest["target_branch"] as? String == "main")
            #expect(noteMergeRequest["state"] as? String == "opened")
            #expect((noteMergeRequest["last_commit"] as? [String: Any])?["id"] as? String != nil)

            let close = try await env.receiver.log.hooks(event: "Merge Request Hook")[1].json()
            let changes = try #require(close["changes"] as? [String: Any])
            let stateChange = try #require(changes["state_id"] as? [String: Any])
            #expect(stateChange["previous"] as? Int == 1)
            #expect(stateChange["current"] as? Int == 2)

            let mergeRequest = try #require(await env.gitlab.mergeRequest(project: project, iid: iid))
            #expect(mergeRequest.notes == ["/merge"])
            #expect(mergeRequest.approvedBy == ["bob"])
            #expect(mergeRequest.author == "carol")
        }
    }

    @Test func invalidNamesAreRejected() async throws {
        try await TestEnvironment.run { env in
            await #expect(throws: FakeGitLabError.self) {
                try await env.gitlab.createMergeRequest(
                    project: project, sourceBranch: "-x", title: "t", files: ["a": "a"])
            }
            await #expect(throws: FakeGitLabError.self) {
                try await env.gitlab.createMergeRequest(
                    project: project, sourceBranch: "ok", title: "t", files: ["../a": "a"])
            }
            await #expect(throws: FakeGitLabError.self) {
                try await env.gitlab.createProject(path: "../evil", files: [:])
            }
            await #expect(throws: FakeGitLabError.self) {
                try await env.gitlab.createProject(path: project, files: [:])
            }
            await #expect(throws: FakeGitLabError.self) {
                try await env.gitlab.createMergeRequest(
                    project: project, sourceBranch: "main", title: "t", files: ["a": "a"])
            }
        }
    }
}

import Foundation
import Logging
import Testing
import TrainyardCore
import TrainyardEngine
@testable import TrainyardForges
import TrainyardTesting

/// The GitLab REST client over URLSession against the fake GitLab on loopback.
@Suite(.serialized)
struct GitLabClientTests {
    static func withGitLab(_ body: (FakeGitLab, GitLabClient, ProjectSettings) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-forge-\(UUID().uuidString)")
        let gitlab = FakeGitLab(root: root)
        do {
            try await gitlab.start()
            let project = try await gitlab.createProject(path: "group/app", files: ["README.md": "hi\n"])
            let client = GitLabClient(
                baseURL: gitlab.baseURL, token: await gitlab.token,
                retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(20), maxDelay: .milliseconds(200)),
                logger: Logger(label: "test"))
            let settings = ProjectSettings(
                key: ProjectKey(forge: "gitlab", path: "group/app"), targets: ["main"],
                gitURL: project.gitURL.absoluteString,
                train: TrainSettings())
            try await body(gitlab, client, settings)
        } catch {
            await gitlab.stop()
            try? FileManager.default.removeItem(at: root)
            throw error
        }
        await gitlab.stop()
        try? FileManager.default.removeItem(at: root)
    }

    @Test func readsAMergeRequestAndPostsNotesAndStatuses() async throws {
        try await Self.withGitLab { gitlab, client, project in
            let iid = try await gitlab.createMergeRequest(
                project: "group/app", sourceBranch: "f", title: "Feature", files: ["f": "f\n"])
            let info = try await client.mergeRequest(project: project, number: iid)
            #expect(info.number == iid && info.state == "opened" && info.target == "main" && info.sourceBranch == "f")
            #expect(info.title == "Feature")
            try await client.comment(project: project, number: iid, body: "hello from Trainyard", key: "k1")
            let notes = await gitlab.mergeRequest(project: "group/app", iid: iid)?.notes ?? []
            #expect(notes == ["hello from Trainyard\n\n<!-- trainyard:k1 -->"], "the key travels invisibly")
            try await client.setStatus(project: project, sha: info.head, state: .pending, description: "Queued")
            try await client.setStatus(project: project, sha: info.head, state: .pending, description: "Queued again")
            let statuses = await gitlab.statuses(project: "group/app", sha: info.head.value)
            #expect(
                statuses.map(\.state) == ["pending"], "a second post of the same state is GitLab's 400, taken as done")
            #expect(statuses.first?.name == "trainyard")
            let paths = await gitlab.requestLog().map(\.path)
            #expect(paths.contains("/api/v4/projects/group%2Fapp"), "the numeric id is looked up by path once")
            #expect(paths.filter { $0 == "/api/v4/projects/group%2Fapp" }.count == 1)
        }
    }

    @Test func createsAndCancelsPipelines() async throws {
        try await Self.withGitLab { gitlab, client, project in
            await gitlab.setCIPolicy { _ in nil }
            let head = try #require(await gitlab.branchHead(project: "group/app", branch: "main"))
            let created = try await client.createPipeline(project: project, ref: "main", commit: SHA(head))
            #expect(await gitlab.pipeline(project: "group/app", id: created.id.value)?.sha == created.sha.value)
            #expect(try await client.pipeline(project: project, id: created.id).status == "running")
            try await client.cancelPipeline(project: project, pipeline: created.id)
            #expect(await gitlab.pipeline(project: "group/app", id: created.id.value)?.status == "canceled")
            let polled = try await client.pipeline(project: project, id: created.id)
            #expect(polled.status == "canceled" && polled.sha == created.sha)
            await #expect(throws: PermanentError.self) {
                _ = try await client.createPipeline(project: project, ref: "no-such-branch", commit: SHA(head))
            }
        }
    }

    @Test(arguments: [(429, 1 as Int?), (500, nil), (502, nil)])
    func retriesRateLimitsAndServerFaults(status: Int, retryAfter: Int?) async throws {
        try await Self.withGitLab { gitlab, client, project in
            let iid = try await gitlab.createMergeRequest(
                project: "group/app", sourceBranch: "r", title: "R", files: ["r": "r\n"])
            _ = try await client.mergeRequest(project: project, number: iid)
            await gitlab.injectFailures(count: 2, status: status, retryAfter: retryAfter)
            let started = ContinuousClock.now
            #expect(try await client.mergeRequest(project: project, number: iid).number == iid)
            let log = await gitlab.requestLog().filter { $0.path.hasSuffix("merge_requests/\(iid)") }
            #expect(log.map(\.status).suffix(3) == [status, status, 200])
            if let retryAfter {
                #expect(ContinuousClock.now - started >= .seconds(retryAfter), "Retry-After is honoured")
            }
        }
    }

    @Test func clientErrorsArePermanentAndNeverCarryTheToken() async throws {
        try await Self.withGitLab { gitlab, client, project in
            do {
                _ = try await client.mergeRequest(project: project, number: 4242)
                Issue.record("expected a 404")
            } catch let error as PermanentError {
                #expect(error.description.contains("404"))
                #expect(!error.description.contains(await gitlab.token))
            }
            await gitlab.injectFailures(count: 10, status: 503)
            let before = await gitlab.requestLog().count
            await #expect(throws: (any Error).self) {
                try await client.comment(project: project, number: 1, body: "x", key: "k")
            }
            #expect(await gitlab.requestLog().count - before == 4, "four tries in all, then the error")
        }
    }

    @Test func aNoteIsPostedOnceWhenGitLabFailsAfterDoingTheWork() async throws {
        try await Self.withGitLab { gitlab, client, project in
            let iid = try await gitlab.createMergeRequest(
                project: "group/app", sourceBranch: "n", title: "N", files: ["n": "n\n"])
            await gitlab.failAfterWork(count: 1, status: 500)
            await #expect(throws: (any Error).self) {
                try await client.comment(project: project, number: iid, body: "only once", key: "outbox#7")
            }
            try await client.comment(project: project, number: iid, body: "only once", key: "outbox#7")
            try await client.comment(project: project, number: iid, body: "only once", key: "outbox#7")
            let notes = await gitlab.mergeRequest(project: "group/app", iid: iid)?.notes ?? []
            #expect(notes.filter { $0.contains("only once") }.count == 1)
            #expect(notes.first { $0.contains("only once") }?.contains("<!-- trainyard:outbox#7 -->") == true)
            try await client.comment(project: project, number: iid, body: "only once", key: "outbox#8")
            let again = await gitlab.mergeRequest(project: "group/app", iid: iid)?.notes ?? []
            #expect(again.filter { $0.contains("only once") }.count == 2, "another key is another note")
        }
    }

    @Test func aPipelineCreatedByAnEarlierTryIsTakenNotCreatedAgain() async throws {
        try await Self.withGitLab { gitlab, client, project in
            await gitlab.setCIPolicy { _ in nil }
            let head = SHA(try #require(await gitlab.branchHead(project: "group/app", branch: "main")))
            await gitlab.failAfterWork(count: 1, status: 502)
            await #expect(throws: (any Error).self) {
                _ = try await client.createPipeline(project: project, ref: "main", commit: head)
            }
            let first = try await client.createPipeline(project: project, ref: "main", commit: head)
            let second = try await client.createPipeline(project: project, ref: "main", commit: head)
            #expect(first.id == second.id)
            #expect(await gitlab.pipelines(project: "group/app").filter { $0.source == "api" }.count == 1)
            // A cancelled one is not taken: a car restarted after a timeout gets a new pipeline.
            try await client.cancelPipeline(project: project, pipeline: first.id)
            let third = try await client.createPipeline(project: project, ref: "main", commit: head)
            #expect(third.id != first.id)
        }
    }

    @Test func readsTheCommentersRole() async throws {
        try await Self.withGitLab { gitlab, client, project in
            let iid = try await gitlab.createMergeRequest(
                project: "group/app", sourceBranch: "m", title: "M", files: ["m": "m\n"])
            await gitlab.comment(project: "group/app", iid: iid, body: "hi", author: "rita")
            await gitlab.setAccessLevel(username: "rita", level: 20)
            await gitlab.setAccessLevel(username: "nobody", level: 0)
            let rita = await gitlab.userID("rita")
            #expect(try await client.accessLevel(project: project, userID: rita) == 20)
            #expect(try await client.accessLevel(project: project, userID: 9999) == 0)
        }
    }

    @Test func findsActiveUsersByNameOnly() async throws {
        try await Self.withGitLab { gitlab, client, project in
            await gitlab.setAccessLevel(username: "alice", level: 30)
            await gitlab.setAccessLevel(username: "mallory", level: 40)
            await gitlab.block(username: "mallory")
            let alice = await gitlab.userID("alice")
            let found = try await client.userID(project: project, username: "alice")
            let blocked = try await client.userID(project: project, username: "mallory")
            let ghost = try await client.userID(project: project, username: "ghost")
            #expect(found == alice)
            #expect(blocked == nil, "a blocked user")
            #expect(ghost == nil)
        }
    }

    @Test(arguments: [
        (#"{"message":{"base":["Reference not found"]}}"#, "Reference not found"),
        (#"{"message":{"ref":["is invalid"],"base":["x"]}}"#, "x; ref: is invalid"),
        (#"{"error":"insufficient_scope"}"#, "insufficient_scope"),
        ("Retry later\n", "Retry later"),
    ])
    func errorMessagesAreFlattenedForPeople(body: String, message: String) {
        #expect(GitLabClient.message(Data(body.utf8)) == message)
    }

    @Test func retryAfterIsReadAsSecondsOrAsADate() {
        let policy = RetryPolicy()
        #expect(policy.delay(attempt: 0, retryAfter: "7") == .seconds(7))
        let now = Date(timeIntervalSince1970: 1_445_412_480)
        #expect(policy.delay(attempt: 0, retryAfter: "Wed, 21 Oct 2015 07:28:30 GMT", now: now) == .seconds(30))
        for attempt in 0..<10 {
            let delay = policy.delay(attempt: attempt, retryAfter: nil)
            #expect(delay <= policy.maxDelay && delay >= .zero)
        }
    }
}

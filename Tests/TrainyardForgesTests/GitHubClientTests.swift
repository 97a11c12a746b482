import Foundation
import Logging
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardForges
import TrainyardTesting

/// The GitHub client against the fake GitHub over loopback: real HTTP, real git repositories,
/// fake workflows reporting check runs.
struct GitHubClientTests {
    static let repository = "octo/app"

    static func project(required: [String] = []) -> ProjectSettings {
        var settings = ProjectSettings(
            key: ProjectKey(forge: "github", path: repository), targets: ["main"], gitURL: "",
            train: TrainSettings(maxParallel: 4, mergeCommand: "@trainyard merge"),
            changeRef: "refs/pull/{number}/head")
        settings.requiredChecks = required
        settings.carPushOptions = []
        return settings
    }

    static func withGitHub(
        mutationInterval: Duration = .zero, _ body: (FakeGitHub, GitHubClient) async throws -> Void
    ) async throws {
        let github = FakeGitHub()
        try await github.start()
        do {
            try await github.createRepository(repository, files: ["README.md": "hello\n"])
            let client = GitHubClient(
                baseURL: github.baseURL, auth: .token(github.personalToken),
                retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(50)), mutationInterval: mutationInterval,
                secondaryWait: .milliseconds(200), logger: Logger(label: "test"))
            try await body(github, client)
        } catch {
            await github.stop()
            throw error
        }
        await github.stop()
    }

    @Test func aPullRequestReadsAsAMergeRequest() async throws {
        try await Self.withGitHub { github, client in
            let number = try await github.openPullRequest(
                Self.repository, branch: "feature", title: "Add a", files: ["a.txt": "a\n"], draft: true)
            let info = try await client.mergeRequest(project: Self.project(), number: number)
            let pull = try #require(await github.pull(Self.repository, number))
            #expect(info.number == number && info.title == "Add a" && info.state == "opened" && info.draft)
            #expect(info.head.value == pull.head && info.sourceBranch == "feature" && info.target == "main")
            await #expect(throws: PermanentError.self) {
                try await client.mergeRequest(project: Self.project(), number: 99)
            }
        }
    }

    @Test(arguments: [("read", 20), ("triage", 20), ("write", 30), ("maintain", 40), ("admin", 50)])
    func permissionsReadAsRoles(permission: String, level: Int) async throws {
        try await Self.withGitHub { github, client in
            await github.setPermission(Self.repository, user: "bob", permission)
            let id = try #require(try await client.userID(project: Self.project(), username: "bob"))
            #expect(try await client.accessLevel(project: Self.project(), userID: id) == level)
            #expect(try await client.userID(project: Self.project(), username: "nobody") == nil)
            #expect(try await client.userID(project: Self.project(), username: "../etc") == nil)
        }
    }

    @Test func aRepeatedCommentIsPostedOnce() async throws {
        try await Self.withGitHub { github, client in
            let number = try await github.openPullRequest(Self.repository, branch: "f", title: "F", files: ["f": "f\n"])
            try await client.comment(project: Self.project(), number: number, body: "Merged.", key: "k-1")
            try await client.comment(project: Self.project(), number: number, body: "Merged.", key: "k-1")
            let comments = await github.comments(Self.repository, number)
            #expect(comments.count == 1 && comments[0].body.hasPrefix("Merged."))
        }
    }

    @Test func aStatusIsPostedOnlyWhenItChanges() async throws {
        try await Self.withGitHub { github, client in
            let sha = try await github.push(Self.repository, branch: "f", files: ["f": "f\n"])
            for _ in 0..<3 {
                try await client.setStatus(
                    project: Self.project(), sha: SHA(sha), state: .pending, description: "In the queue at 1")
            }
            try await client.setStatus(project: Self.project(), sha: SHA(sha), state: .success, description: "Merged")
            let posted = await github.statuses(Self.repository, sha: sha)
            #expect(posted.map(\.state) == ["pending", "success"] && posted.allSatisfy { $0.context == "trainyard" })
        }
    }

    @Test func mutationsAreAtLeastTheIntervalApart() async throws {
        try await Self.withGitHub(mutationInterval: .milliseconds(300)) { github, client in
            let sha = try await github.push(Self.repository, branch: "f", files: ["f": "f\n"])
            let start = Date()
            for state in [CommitState.pending, .running, .success] {
                try await client.setStatus(
                    project: Self.project(), sha: SHA(sha), state: state, description: "\(state)")
            }
            let posts = await github.requestLog().filter { $0.method == "POST" }.map(\.at)
            #expect(posts.count == 3)
            // Mutation k is sent no sooner than k - 1 intervals after the first was asked for, so
            // it arrives no sooner either, however the machine is loaded.
            for (index, arrival) in posts.enumerated() {
                #expect(arrival.timeIntervalSince(start) >= 0.3 * Double(index))
            }
        }
    }

    @Test func aCarPassesWhenEveryRequiredCheckPassedAndFailsAtTheFirstFailure() async throws {
        try await Self.withGitHub { github, client in
            await github.setWorkflow(jobs: ["build", "test", "lint"], duration: .milliseconds(100)) { job, files in
                job == "test" && files["FAIL"] != nil ? "failure" : job == "lint" ? "failure" : "success"
            }
            await github.protect(Self.repository, branch: "main", requiring: ["build"])
            await github.addRule(Self.repository, branch: "main", requiring: ["test"])
            let good = try await github.push(Self.repository, branch: "trainyard/main/1", files: ["a": "a\n"])
            let started = try await client.createPipeline(
                project: Self.project(), ref: "trainyard/main/1", commit: SHA(good))
            #expect(started.sha == SHA(good))
            try await waitUntil {
                (try? await client.carPipeline(project: Self.project(), id: started.id, branch: "trainyard/main/1")
                    .status)
                    == "success"
            }
            let bad = try await github.push(Self.repository, branch: "trainyard/main/2", files: ["FAIL": "x\n"])
            let second = try await client.createPipeline(
                project: Self.project(), ref: "trainyard/main/2", commit: SHA(bad))
            #expect(second.id != started.id)
            try await waitUntil {
                (try? await client.carPipeline(project: Self.project(), id: second.id, branch: "trainyard/main/2")
                    .status)
                    == "failed"
            }
            let required = try await client.carPipeline(
                project: Self.project(required: ["deploy"]), id: started.id, branch: "trainyard/main/1")
            #expect(required.status == "running", "a required check from the configuration that never reported")
        }
    }

    @Test func aTargetWithNoRequiredCheckIsRefusedWithWhatToConfigure() async throws {
        try await Self.withGitHub { github, client in
            let sha = try await github.push(Self.repository, branch: "trainyard/main/1", files: ["a": "a\n"])
            do {
                _ = try await client.createPipeline(project: Self.project(), ref: "trainyard/main/1", commit: SHA(sha))
                Issue.record("a target that requires no check must be refused")
            } catch {
                #expect("\(error)".contains("required_checks") && "\(error)".contains("`main`"))
            }
        }
    }

    @Test func cancellingStopsTheRunsAndARestartRerunsThem() async throws {
        try await Self.withGitHub { github, client in
            await github.setWorkflow(jobs: ["build"], duration: .seconds(30))
            let sha = try await github.push(Self.repository, branch: "trainyard/main/3", files: ["a": "a\n"])
            let project = Self.project(required: ["build"])
            let first = try await client.createPipeline(project: project, ref: "trainyard/main/3", commit: SHA(sha))
            try await client.cancelCarPipeline(project: project, id: first.id, branch: "trainyard/main/3")
            #expect(
                try await client.carPipeline(project: project, id: first.id, branch: "trainyard/main/3").status
                    == "canceled")
            await github.setWorkflow(jobs: ["build"], duration: .milliseconds(50))
            let again = try await client.createPipeline(project: project, ref: "trainyard/main/3", commit: SHA(sha))
            try await waitUntil {
                (try? await client.carPipeline(project: project, id: again.id, branch: "trainyard/main/3").status)
                    == "success"
            }
            #expect(await github.workflowRuns(Self.repository).first?.attempt == 2)
        }
    }

    @Test(arguments: [(1 as Int?, nil as Int?), (nil, nil), (nil, 1)])
    func rateLimitsAreWaitedOutAsGitHubAsks(retryAfter: Int?, resetIn: Int?) async throws {
        try await Self.withGitHub { github, client in
            let number = try await github.openPullRequest(Self.repository, branch: "f", title: "F", files: ["f": "f\n"])
            await github.injectRateLimit(count: 1, retryAfter: retryAfter, resetIn: resetIn)
            let started = Date()
            #expect(try await client.mergeRequest(project: Self.project(), number: number).number == number)
            let waited = Date().timeIntervalSince(started)
            let kind = retryAfter != nil ? "retry-after" : resetIn != nil ? "primary" : "secondary"
            #expect(await client.calls.limits == [kind: 1])
            #expect(waited >= (kind == "secondary" ? 0.19 : 0.9), "waited \(waited) s for a \(kind) limit")
        }
    }

    @Test func repeatedReadsAreConditionalAndCostNothing() async throws {
        try await Self.withGitHub { github, client in
            let number = try await github.openPullRequest(Self.repository, branch: "f", title: "F", files: ["f": "f\n"])
            let first = try await client.mergeRequest(project: Self.project(), number: number)
            let second = try await client.mergeRequest(project: Self.project(), number: number)
            #expect(first == second)
            #expect(await client.calls.byStatus[304] == 1)
            #expect(await github.requestLog().last?.status == 304)
        }
    }

    @Test func anAppReportsOneCheckRunEditedInPlace() async throws {
        try await Self.withGitHub { github, _ in
            let pem = try await github.registerApp(id: 31)
            await github.install(app: 31, on: Self.repository)
            let tokens = GitHubInstallationTokens(
                baseURL: github.baseURL, jwt: try GitHubAppJWT(issuer: "31", privateKeyPEM: pem))
            let client = GitHubClient(
                baseURL: github.baseURL, auth: .app(tokens), mutationInterval: .zero, logger: Logger(label: "test"))
            #expect(client.report == .checkRun)
            let sha = try await github.push(Self.repository, branch: "f", files: ["f": "f\n"])
            try await client.setStatus(
                project: Self.project(), sha: SHA(sha), state: .pending, description: "Queued at 2")
            try await client.setStatus(project: Self.project(), sha: SHA(sha), state: .success, description: "Merged")
            let runs = await github.checkRuns(Self.repository, sha: sha).filter { $0.name == "trainyard" }
            #expect(runs.count == 1)
            #expect(
                runs.first?.status == "completed" && runs.first?.conclusion == "success"
                    && runs.first?.title == "Merged")
            #expect(await github.requestLog().allSatisfy { $0.scheme == "Bearer" })
        }
    }
}

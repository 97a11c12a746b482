import Foundation
import Testing
import TrainyardEngine
import TrainyardTesting

@testable import trainyard

/// Pull requests travelling the whole way on GitHub: signed webhooks → Trainyard → car branches
/// pushed with real git → the fake workflow's check runs → the verdict of the required checks →
/// a fast-forward push of the target, which GitHub reads as the pull requests merged.
@Suite(.serialized)
struct GitHubEndToEndTests {
    static let repository = "octo/app"
    static let secret = "github-webhook-secret"

    /// Runs `body` with the fake GitHub and the service (its port); `reconcileSeconds` sets the
    /// reconciler's period.
    static func run(reconcileSeconds: Int? = nil, _ body: (FakeGitHub, Int) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gh-e2e-\(UUID().uuidString)")
        let github = FakeGitHub(root: root.appendingPathComponent("github"))
        try await github.start()
        var stop: (() async -> Void)?
        do {
            let gitURL = try await github.createRepository(Self.repository, files: ["README.md": "hello\n"])
            await github.protect(Self.repository, branch: "main", requiring: ["build", "test"])
            await github.setWorkflow(jobs: ["build", "test", "lint"], duration: .milliseconds(150))
            var config = TrainyardConfig()
            config.listen = .init(host: "127.0.0.1", port: 0)
            config.storage = .sqlite(path: root.appendingPathComponent("trainyard/trainyard.db").path)
            config.forges = [
                "github": .init(
                    name: "github", kind: "github", url: github.baseURL, token: github.personalToken,
                    webhookSecret: Self.secret)
            ]
            config.projects = [
                .init(forge: "github", path: Self.repository, targets: ["main"], gitURL: gitURL.path, maxParallel: 4)
            ]
            if let reconcileSeconds { config.reconcileSeconds = reconcileSeconds }
            let (port, runner, store) = try await ServiceHarness.launch(config)
            stop = {
                await runner.stop()
                try? await closeStore(store)
            }
            await github.addHook(
                repository: Self.repository, url: "http://127.0.0.1:\(port)/webhooks/github",
                events: ["pull_request", "issue_comment", "push", "check_run", "status", "workflow_run"],
                secret: Self.secret)
            try await body(github, port)
        } catch {
            await stop?()
            await github.stop()
            try? FileManager.default.removeItem(at: root)
            throw error
        }
        await stop?()
        await github.stop()
        try? FileManager.default.removeItem(at: root)
    }

    @Test func pullRequestsLandAsTheTestedCommitsAndABrokenOneIsRemoved() async throws {
        try await Self.run { github, _ in
            let base = try #require(await github.branchHead(Self.repository, "main"))
            let one = try await github.openPullRequest(
                Self.repository, branch: "one", title: "One", files: ["1": "1\n"])
            let broken = try await github.openPullRequest(
                Self.repository, branch: "broken", title: "Broken", files: ["FAIL": "x\n"])
            let two = try await github.openPullRequest(
                Self.repository, branch: "two", title: "Two", files: ["2": "2\n"])
            for number in [one, broken, two] {
                await github.comment(Self.repository, number: number, body: "@trainyard merge")
            }
            try await waitUntil(timeout: .seconds(180)) {
                let first = await github.pull(Self.repository, one)?.merged == true
                let second = await github.pull(Self.repository, two)?.merged == true
                let removed = await github.comments(Self.repository, broken).contains { $0.body.contains("Removed") }
                return first && second && removed
            }
            #expect(await github.pull(Self.repository, broken)?.merged == false)
            let landed = await github.firstParents(Self.repository, branch: "main", since: base)
            #expect(landed.count == 2, "one merge commit per landed pull request")
            let head = try #require(landed.first)
            let checks = await github.checkRuns(Self.repository, sha: head)
            for job in ["build", "test"] {
                #expect(
                    checks.contains { $0.name == job && $0.conclusion == "success" },
                    "\(job) passed on the landed commit")
            }
            for number in [one, two] {
                let pull = try #require(await github.pull(Self.repository, number))
                try await waitUntil {
                    await github.comments(Self.repository, number).contains { $0.body.contains("Merged") }
                }
                try await waitUntil {
                    await github.statuses(Self.repository, sha: pull.head).last { $0.context == "trainyard" }?.state
                        == "success"
                }
            }
            let pushes = await github.requestLog().filter { $0.method == "PUT" && $0.path.contains("/merge") }
            #expect(pushes.isEmpty, "never the merge button")
        }
    }

    @Test func aCommentFromSomeoneWithoutWriteAccessIsRefused() async throws {
        try await Self.run { github, _ in
            let number = try await github.openPullRequest(Self.repository, branch: "f", title: "F", files: ["f": "f\n"])
            await github.setPermission(Self.repository, user: "visitor", "read")
            await github.comment(Self.repository, number: number, body: "@trainyard merge", author: "visitor")
            try await waitUntil(timeout: .seconds(60)) {
                await github.comments(Self.repository, number).contains { $0.author != "visitor" }
            }
            #expect(await github.pull(Self.repository, number)?.merged == false)
            let answer = await github.comments(Self.repository, number).first { $0.author != "visitor" }?.body ?? ""
            #expect(answer.contains("visitor"), "the refusal names who asked: \(answer)")
        }
    }
}

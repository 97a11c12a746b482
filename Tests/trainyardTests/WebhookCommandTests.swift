import Foundation
import Logging
import Testing
import TrainyardForges
import TrainyardTesting

@testable import trainyard

/// `trainyard webhook register` against the fake GitLab and the fake GitHub over loopback: it
/// creates the hook with exactly the events Trainyard reads, changes nothing the second time,
/// and `--check` reports drift.
@Suite(.serialized)
struct WebhookCommandTests {
    static func config(forge: TrainyardConfig.Forge, path: String) -> TrainyardConfig {
        var config = TrainyardConfig()
        config.forges = [forge.name: forge]
        config.projects = [.init(forge: forge.name, path: path, targets: ["main"], gitURL: nil, maxParallel: 4)]
        config.publicURL = "https://trainyard.example.com/"
        return config
    }

    /// A started fake GitLab with the project `group/app`, and the forge that reaches it.
    static func gitLab() async throws -> (URL, FakeGitLab, TrainyardConfig.Forge) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("webhook-\(UUID().uuidString)")
        let gitlab = FakeGitLab(root: root)
        try await gitlab.start()
        _ = try await gitlab.createProject(path: "group/app", files: ["README.md": "hi\n"])
        let forge = TrainyardConfig.Forge(
            name: "gitlab", kind: "gitlab", url: gitlab.baseURL, token: await gitlab.token,
            webhookSecret: "a-long-webhook-secret")
        return (root, gitlab, forge)
    }

    @Test func gitLabHookIsCreatedOnceAndDriftIsReported() async throws {
        let (root, gitlab, forge) = try await Self.gitLab()
        defer { Task { await gitlab.stop() } }
        let config = Self.config(forge: forge, path: "group/app")
        let target = try WebhookRegisterCommand.resolve(config, project: "group/app", forge: nil, url: nil)
        #expect(target.url == "https://trainyard.example.com/webhooks/gitlab")
        let client = GitLabClient(baseURL: gitlab.baseURL, token: forge.token, logger: Logger(label: "test"))

        let (missing, clean) = try await WebhookRegisterCommand.register(target, registrar: client, check: true)
        #expect(!clean && missing.contains { $0.contains("no webhook sends to \(target.url)") })

        let (created, _) = try await WebhookRegisterCommand.register(target, registrar: client, check: false)
        #expect(created.first?.contains("created") == true, "\(created)")
        let hooks = await gitlab.webhooks(project: "group/app")
        #expect(hooks.count == 1 && hooks[0].url == target.url && hooks[0].active)
        #expect(hooks[0].events == ["merge_requests_events", "note_events", "push_events", "pipeline_events"])

        let writes = await gitlab.requestLog().filter { $0.method != "GET" }.count
        let (again, _) = try await WebhookRegisterCommand.register(target, registrar: client, check: false)
        #expect(again.first?.contains("unchanged") == true, "\(again)")
        #expect(
            await gitlab.requestLog().filter { $0.method != "GET" }.count == writes, "running it twice changes nothing")
        #expect(try await WebhookRegisterCommand.register(target, registrar: client, check: true).1)

        await gitlab.disableWebhooks(project: "group/app")
        let (drift, ok) = try await WebhookRegisterCommand.register(target, registrar: client, check: true)
        #expect(!ok && drift.contains { $0.contains("the webhook is disabled") }, "\(drift)")
        let (fixed, _) = try await WebhookRegisterCommand.register(target, registrar: client, check: false)
        #expect(fixed.first?.contains("updated (the webhook is disabled)") == true, "\(fixed)")
        #expect(try await WebhookRegisterCommand.register(target, registrar: client, check: true).1)
        #expect(await gitlab.webhooks(project: "group/app").count == 1)
        try? FileManager.default.removeItem(at: root)
    }

    @Test func gitLabFailedDeliveriesAreReported() async throws {
        let (root, gitlab, forge) = try await Self.gitLab()
        defer { Task { await gitlab.stop() } }
        // Nothing listens on this port, so every delivery fails as GitLab's `internal error`.
        let target = try WebhookRegisterCommand.resolve(
            Self.config(forge: forge, path: "group/app"), project: "group/app", forge: nil,
            url: "http://127.0.0.1:\(FreePort.pick())/webhooks/gitlab")
        let client = GitLabClient(baseURL: gitlab.baseURL, token: forge.token, logger: Logger(label: "test"))
        _ = try await WebhookRegisterCommand.register(target, registrar: client, check: false)
        #expect(try await WebhookRegisterCommand.register(target, registrar: client, check: true).1)

        _ = try await gitlab.createMergeRequest(
            project: "group/app", sourceBranch: "feature", title: "Feature", files: ["a.txt": "a\n"])
        await gitlab.waitForDeliveries()
        let (drift, ok) = try await WebhookRegisterCommand.register(target, registrar: client, check: true)
        #expect(!ok, "\(drift)")
        #expect(
            drift.contains {
                $0.contains("recent deliveries failed:") && $0.contains("internal error merge_request_hooks")
            }, "\(drift)")
        let (saved, _) = try await WebhookRegisterCommand.register(target, registrar: client, check: false)
        #expect(saved.first?.contains("unchanged") == true, "saving cannot repair failed deliveries: \(saved)")
        try? FileManager.default.removeItem(at: root)
    }

    @Test func gitHubHookIsCreatedOnceAndFailedDeliveriesAreReported() async throws {
        let github = FakeGitHub()
        try await github.start()
        defer { Task { await github.stop() } }
        try await github.createRepository("octo/app", files: ["README.md": "hello\n"])
        let forge = TrainyardConfig.Forge(
            name: "github", kind: "github", url: github.baseURL, token: github.personalToken,
            webhookSecret: "a-long-webhook-secret")
        let config = Self.config(forge: forge, path: "octo/app")
        let target = try WebhookRegisterCommand.resolve(
            config, project: "octo/app", forge: "github", url: "https://ty.example.com/webhooks/github")
        let client = GitHubClient(
            baseURL: github.baseURL, auth: .token(github.personalToken), logger: Logger(label: "test"))
        _ = try await WebhookRegisterCommand.register(target, registrar: client, check: false)
        let hooks = await github.webhooks(of: "octo/app")
        #expect(hooks.count == 1 && hooks[0].contentType == "json" && hooks[0].secret == "a-long-webhook-secret")
        #expect(Set(hooks[0].events) == client.trainyardEvents(deployments: false))
        let (again, _) = try await WebhookRegisterCommand.register(target, registrar: client, check: false)
        #expect(again.first?.contains("unchanged") == true, "\(again)")
        #expect(try await WebhookRegisterCommand.register(target, registrar: client, check: true).1)

        await github.failDeliveries(repository: "octo/app", hook: hooks[0].id, count: 2)
        let (drift, ok) = try await WebhookRegisterCommand.register(target, registrar: client, check: true)
        #expect(!ok && drift.contains { $0.contains("2 recent deliveries failed: 500 pull_request") }, "\(drift)")
    }

    @Test(
        arguments: [
            ("other/app", nil, "https://x.example.com/webhooks/gitlab", "no project `other/app`"),
            (
                "group/app", "github", "https://x.example.com/webhooks/github",
                "no project `group/app` on forge `github`"
            ),
            ("group/app", nil, "ftp://x", "--url `ftp://x` is not an http or https URL"),
        ] as [(String, String?, String, String)])
    func badArgumentsSayWhatIsWrong(project: String, forge: String?, url: String, message: String) {
        let forgeSettings = TrainyardConfig.Forge(
            name: "gitlab", kind: "gitlab", url: URL(string: "https://gitlab.example.com")!, token: "t",
            webhookSecret: "secret-secret")
        let config = Self.config(forge: forgeSettings, path: "group/app")
        #expect {
            _ = try WebhookRegisterCommand.resolve(config, project: project, forge: forge, url: url)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func withoutAURLOrPublicURLItSaysWhatToGive() {
        let forge = TrainyardConfig.Forge(
            name: "gitlab", kind: "gitlab", url: URL(string: "https://gitlab.example.com")!, token: "t",
            webhookSecret: "secret-secret")
        var config = Self.config(forge: forge, path: "group/app")
        config.publicURL = nil
        #expect {
            _ = try WebhookRegisterCommand.resolve(config, project: "group/app", forge: nil, url: nil)
        } throws: { error in
            "\(error)".contains("give --url")
        }
    }
}

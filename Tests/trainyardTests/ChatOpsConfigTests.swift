import Testing
import TrainyardHTTP

@testable import trainyard

/// The `chatops` section of the configuration.
struct ChatOpsConfigTests {
    static let forges =
        "forges:\n  gitlab:\n    kind: gitlab\n    url: https://x\n    token: t\n    webhook_secret: longenough\n"

    @Test func readsSecretsAndUsersWithSubstitution() throws {
        let text =
            Self.forges
            + "chatops:\n  slack:\n    signing_secret: \"${SLACK}\"\n  mattermost:\n    token: mm-token-123\n"
            + "  users:\n    - forge: gitlab\n      username: alice\n      slack: U012ABCDEF\n"
            + "      mattermost: 4xp9fdt77pncbef59f4k1qe83o\n    - forge: gitlab\n      username: bob\n      slack: U2\n"
        let (config, problems) = ConfigLoaderTests.parse(text, environment: ["SLACK": "8f742231b10e8888"])
        #expect(problems.isEmpty, "\(problems)")
        let chatops = try #require(config?.chatops)
        #expect(chatops.slackSigningSecret == "8f742231b10e8888" && chatops.mattermostToken == "mm-token-123")
        #expect(chatops.replyHosts == ["hooks.slack.com"], "Slack's host by default")
        let hosts = ConfigLoaderTests.parse(Self.forges + "chatops:\n  reply_hosts: [hooks.slack.com, mm.example.com]")
            .0
        #expect(hosts?.chatops.replyHosts == ["hooks.slack.com", "mm.example.com"])
        #expect(
            chatops.users == [
                .init(
                    forge: "gitlab", username: "alice", slack: "U012ABCDEF", mattermost: "4xp9fdt77pncbef59f4k1qe83o"),
                .init(forge: "gitlab", username: "bob", slack: "U2"),
            ])
    }

    @Test(arguments: [
        ("chatops: yes", "chatops", "expected a mapping"),
        ("chatops:\n  slack:\n    signing_secret: short", "chatops.slack.signing_secret", "too short"),
        ("chatops:\n  slack:\n    secret: 12345678901", "chatops.slack.secret", "unknown key"),
        ("chatops:\n  teams: {}", "chatops.teams", "unknown key"),
        ("chatops:\n  reply_hosts: [\"https://mm.example.com\"]", "chatops.reply_hosts[0]", "host name"),
        (
            "chatops:\n  users:\n    - forge: github\n      username: a\n      slack: U1", "chatops.users[0].forge",
            "no forge"
        ),
        ("chatops:\n  users:\n    - forge: gitlab\n      username: a", "chatops.users[0]", "at least one of"),
        ("chatops:\n  users:\n    - forge: gitlab\n      slack: U1", "chatops.users[0].username", "is required"),
        (
            "chatops:\n  users:\n    - {forge: gitlab, username: a, slack: U1}\n    - {forge: gitlab, username: b, slack: U1}",
            "chatops.users[1].slack", "already mapped, in chatops.users[0]"
        ),
    ])
    func mistakesAreNamed(yaml: String, path: String, message: String) {
        let (_, problems) = ConfigLoaderTests.parse(Self.forges + yaml, environment: [:])
        #expect(problems.contains { $0.path == path && $0.message.contains(message) }, "\(problems)")
    }
}

import Foundation
import Testing
import TrainyardGit
import TrainyardHTTP
import TrainyardTesting

@testable import trainyard

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The example deliveries in `webhooks/`: each is accepted by a running Trainyard when signed
/// from its configuration, and `trainyard replay` sends them.
struct ReplayTests {
    static let chatops = ChatOpsSettings(
        slackSigningSecret: "slack-signing-secret-for-replay", mattermostToken: "mattermost-token-for-replay",
        users: [
            .init(forge: "gitlab", username: "alice", slack: "U012ABCDEF", mattermost: "4xp9fdt77pncbef59f4k1qe83o")
        ])

    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("webhooks")
    }

    static func examples() throws -> [URL] {
        try ["gitlab", "slack", "mattermost"].flatMap { source in
            try FileManager.default.contentsOfDirectory(
                at: folder.appendingPathComponent(source), includingPropertiesForKeys: nil
            ).filter { $0.pathExtension == "http" }
        }.sorted { $0.path < $1.path }
    }

    /// A configuration file with the harness's secrets, as an operator's would have.
    static func configFile(_ harness: ServiceHarness) throws -> String {
        let path = harness.root.appendingPathComponent("replay.yml").path
        try """
        forges:
          gitlab:
            kind: gitlab
            url: https://gitlab.example.com
            token: unused-token
            webhook_secret: \(ServiceHarness.webhookSecret)
        chatops:
          slack:
            signing_secret: \(chatops.slackSigningSecret!)
          mattermost:
            token: \(chatops.mattermostToken!)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func everyExampleIsAcceptedWhenSignedFromTheConfiguration() async throws {
        let examples = try Self.examples()
        #expect(examples.count >= 8, "gitlab, slack and mattermost examples")
        let harness = try await ServiceHarness.start(chatops: Self.chatops)
        try await harness.running { harness in
            let config = try ConfigLoader.load(file: try Self.configFile(harness))
            for file in examples {
                let recorded = try RecordedDelivery(try String(contentsOf: file, encoding: .utf8))
                let request = try recorded.request(to: harness.baseURL, config: config)
                let (data, response) = try await URLSession.shared.uncancellableData(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                let expected = recorded.path.hasPrefix("/webhooks/") ? 202 : 200
                #expect(status == expected, "\(file.lastPathComponent): \(String(decoding: data, as: UTF8.self))")
                if recorded.path.hasPrefix("/chatops/") {
                    let text = String(decoding: data, as: UTF8.self)
                    #expect(!text.contains("does not know who you are"), "\(file.lastPathComponent) maps its user")
                }
            }
            let unsigned = try RecordedDelivery(
                try String(contentsOf: examples[0], encoding: .utf8)
            ).request(to: harness.baseURL, config: nil)
            let (_, response) = try await URLSession.shared.uncancellableData(for: unsigned)
            #expect((response as? HTTPURLResponse)?.statusCode == 401, "without the secrets the service refuses")
        }
    }

    @Test func theReplayCommandSendsAndSaysWhatCameBack() async throws {
        let harness = try await ServiceHarness.start(chatops: Self.chatops)
        try await harness.running { harness in
            let config = try Self.configFile(harness)
            let file = Self.folder.appendingPathComponent("gitlab/push_hook_main.http").path
            func replay(_ extra: [String]) throws -> (Int32, String) {
                let result = try ChildProcess.run(
                    TrainyardProcess.binary,
                    arguments: ["replay", file, "--to", harness.baseURL.absoluteString] + extra,
                    environment: ProcessInfo.processInfo.environment, timeout: 60)
                return (result.status, String(decoding: result.stdout + result.stderr, as: UTF8.self))
            }
            let (signed, output) = try replay(["--secret-from", config])
            #expect(signed == 0 && output.contains("POST /webhooks/gitlab -> 202"), "\(output)")
            let (unsigned, refused) = try replay([])
            #expect(unsigned == 1 && refused.contains("-> 401") && refused.contains("missing_token"), "\(refused)")
        }
    }

    @Test(arguments: [
        ("POST /webhooks/gitlab\n{}", "no blank line"),
        ("/webhooks/gitlab\n\n{}", "method and a path"),
        ("POST webhooks\n\n{}", "method and a path"),
        ("POST /webhooks/gitlab\nnot a header\n\n{}", "is not a header"),
    ])
    func malformedExamplesAreNamed(text: String, message: String) {
        #expect { try RecordedDelivery(text) } throws: { "\($0)".contains(message) }
    }

    @Test func aMissingSecretIsNamed() throws {
        let recorded = try RecordedDelivery("POST /chatops/slack\nContent-Type: x\n\nuser_id=U1")
        #expect { try recorded.request(to: URL(string: "http://127.0.0.1:1")!, config: TrainyardConfig()) } throws: {
            "\($0)".contains("chatops.slack.signing_secret")
        }
    }
}

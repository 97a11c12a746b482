import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardStore

@testable import TrainyardHTTP

/// Slack and Mattermost slash commands over real HTTP with a real store: verification, bad
/// input, user mapping, the grammar's answers, and what is stored.
struct ChatEndpointTests {
    static let secret = "8f742231b10e8888abcd99yyyzzz85a5"
    static let token = "okwexkjpe7ygb8eq1ww58t483w"
    static let project = ProjectSettings(
        key: ProjectKey(forge: "gitlab", path: "group/app"), targets: ["main"], gitURL: "file:///nowhere",
        train: TrainSettings())
    static let settings = ChatOpsSettings(
        slackSigningSecret: secret, mattermostToken: token,
        users: [
            .init(forge: "gitlab", username: "alice", slack: "U2CERLKJA", mattermost: "aoa1agao6t8fmx3ikt1j9w5ybw")
        ],
        maxBodyBytes: 2048)

    static func withApp(
        chatops: ChatOpsSettings = settings, schedules: [ScheduleDefinition] = [],
        _ body: @escaping @Sendable (any TestClientProtocol, SQLiteStore) async throws -> Void
    ) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("chat-\(UUID().uuidString)/t.db").path
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
        let ports = RoutesTests.NoPorts()
        let engine = TrainEngine(
            store: store, git: ports, forges: ["gitlab": ports], projects: [project], clock: { Instant(seconds: 1) },
            logger: Logger(label: "test"), schedules: schedules)
        let services = HTTPServices(
            verifiers: [:], engine: engine, store: store, apiTokens: [], projects: [project.key], chatops: chatops,
            targets: [project.key: project.targets])
        let app = Application(router: TrainyardRoutes.router(services))
        do {
            try await app.test(.live) { client in try await body(client, store) }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    /// A Slack slash command body for `text` by `user`.
    static func slackForm(_ text: String, user: String = "U2CERLKJA", trigger: String = UUID().uuidString) -> String {
        let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return "token=x&team_id=T1DC2JH3J&channel_id=G8PSS9T3V&user_id=\(user)&user_name=roadrunner"
            + "&command=%2Ftrain&text=\(encoded)&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1"
            + "&trigger_id=\(trigger)"
    }

    /// Sends `body` to `/chatops/slack`, signed with `secret` at `skew` seconds from now.
    static func slack(
        _ client: any TestClientProtocol, _ body: String, secret: String = secret, skew: Double = 0,
        contentType: String = "application/x-www-form-urlencoded"
    ) async throws -> TestResponse {
        let timestamp = String(Int(Date().timeIntervalSince1970 + skew))
        let signature = SlackSignature.sign(secret: secret, timestamp: timestamp, body: Data(body.utf8))
        return try await client.execute(
            uri: "/chatops/slack", method: .post,
            headers: [
                .contentType: contentType, .slackTimestamp: timestamp, .slackSignature: signature,
            ],
            body: ByteBuffer(string: body))
    }

    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
    }

    static func errorCode(_ response: TestResponse) -> String? {
        (json(response)["error"] as? [String: Any])?["code"] as? String
    }

    /// The published samples (`../shared/webhooks` beside the checkout, else `/work/shared/webhooks`).
    static var samples: URL {
        let beside = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/webhooks")
        let fixed = URL(fileURLWithPath: "/work/shared/webhooks")
        return FileManager.default.fileExists(atPath: beside.path) ? beside : fixed
    }
    static var samplesAvailable: Bool {
        FileManager.default.fileExists(atPath: samples.appendingPathComponent("slack").path)
    }

    @Test(.enabled(if: samplesAvailable, "the published samples (../shared/webhooks) are not there"))
    func slacksPublishedTestVectorPasses() throws {
        let url = Self.samples.appendingPathComponent("slack/request_signing_test_vector.json")
        let vector = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: String])
        let body = Data(try #require(vector["body"]).utf8)
        let timestamp = try #require(vector["X-Slack-Request-Timestamp"])
        let signature = try #require(vector["X-Slack-Signature"])
        let secret = try #require(vector["signing_secret"])
        #expect(SlackSignature.sign(secret: secret, timestamp: timestamp, body: body) == signature)
        let then = Date(timeIntervalSince1970: Double(timestamp)!)
        try SlackSignature.verify(
            secret: secret, timestamp: timestamp, signature: signature, body: body, now: then, maxSkew: 300)
        let cases: [(Date, Data, String)] = [
            (then.addingTimeInterval(301), body, "stale_request"),
            (then.addingTimeInterval(-301), body, "stale_request"),
            (then, body + Data("&x=1".utf8), "invalid_signature"),
        ]
        for (now, sent, code) in cases {
            #expect(throws: APIError.self) {
                try SlackSignature.verify(
                    secret: secret, timestamp: timestamp, signature: signature, body: sent, now: now, maxSkew: 300)
            }
            do {
                try SlackSignature.verify(
                    secret: secret, timestamp: timestamp, signature: signature, body: sent, now: now, maxSkew: 300)
            } catch { #expect(error.code == code) }
        }
    }

    @Test(.enabled(if: samplesAvailable, "the published samples (../shared/webhooks) are not there"))
    func publishedSlashCommandBodiesAreRead() throws {
        let slack = try String(
            contentsOf: Self.samples.appendingPathComponent("slack/slash_command_docs_example.txt"), encoding: .utf8)
        let form = try FormBody(Data(slack.trimmingCharacters(in: .whitespacesAndNewlines).utf8))
        #expect(form["text"] == "94070" && form["user_id"] == "U2147483697" && form["command"] == "/weather")
        #expect(form["enterprise_name"] == "Globular Construct Inc")
        let http = try String(
            contentsOf: Self.samples.appendingPathComponent("mattermost/slash_command_request.http.txt"),
            encoding: .utf8)
        let lines = http.components(separatedBy: "\n\n")[1].split(separator: "\n").prefix(10)
        let mattermost = try FormBody(Data(lines.joined().utf8))
        #expect(mattermost["user_id"] == "aoa1agao6t8fmx3ikt1j9w5ybw" && mattermost["text"] == "asd")
        #expect(mattermost["response_url"] == "http://localhost:8065/hooks/commands/xbrkb8p393gjpq5cawei7npije")
    }

    @Test func aSignedMergeIsStoredOnceForItsForgeUser() async throws {
        try await Self.withApp { client, store in
            let body = Self.slackForm("merge group/app!12 p=2", trigger: "398738663015.1")
            let response = try await Self.slack(client, body)
            #expect(response.status == .ok)
            let answer = Self.json(response)
            #expect(answer["response_type"] as? String == "in_channel")
            #expect(
                (answer["text"] as? String)?.contains("@alice (Slack) asked Trainyard to `merge p=2` group/app!12")
                    == true)
            let again = try await Self.slack(client, body)
            #expect((Self.json(again)["text"] as? String)?.contains("received before") == true)
            let stored = try await store.recentDeliveries(limit: 10)
            #expect(stored.map(\.key) == ["T1DC2JH3J/398738663015.1"] && stored.first?.kind == "Slack merge")
            let row = try #require(try await store.nextInbox(owner: nil, now: Instant(seconds: 2)))
            guard case .command(let event) = row.delivery.event else {
                Issue.record("stored \(row.delivery.event)")
                return
            }
            #expect(event.forgeUser == "alice" && event.number == 12 && event.priority == 2 && event.command == .merge)
            #expect(event.replyURL == "https://hooks.slack.com/commands/1")
        }
    }

    @Test func aPriorityChangeIsStoredForTheTrain() async throws {
        try await Self.withApp { client, store in
            let answer = Self.json(try await Self.slack(client, Self.slackForm("p=7 group/app!12")))
            #expect((answer["text"] as? String)?.contains("asked Trainyard to `priority 7` group/app!12") == true)
            let row = try #require(try await store.nextInbox(owner: nil, now: Instant(seconds: 2)))
            guard case .command(let event) = row.delivery.event else {
                Issue.record("stored \(row.delivery.event)")
                return
            }
            #expect(event.command == .priority && event.priority == 7 && row.delivery.kind == "Slack priority")
        }
    }

    @Test func retryAndTryAreStoredForTheTrain() async throws {
        try await Self.withApp { client, store in
            for (verb, command) in [("retry", Command.retry), ("try", .try)] {
                let form = Self.slackForm("\(verb) group/app!12")
                let answer = Self.json(try await Self.slack(client, form))
                #expect((answer["text"] as? String)?.contains("asked Trainyard to `\(verb)` group/app!12") == true)
                let row = try #require(try await store.recentDeliveries(limit: 1).first)
                #expect(row.kind == "Slack \(verb)")
                let stored = try #require(try await store.nextInbox(owner: nil, now: Instant(seconds: 2)))
                guard case .command(let event) = stored.delivery.event else {
                    Issue.record("stored \(stored.delivery.event)")
                    return
                }
                #expect(event.number == 12 && event.command == command)
                try await store.finishInbox(stored.id, outcome: "applied", at: Instant(seconds: 3))
            }
        }
    }

    @Test(arguments: [
        "http://169.254.169.254/latest/meta-data", "https://hooks.slack.com.evil.example/x", "file:///etc/passwd",
        "not a url",
    ])
    func laterAnswersGoOnlyToAllowedHosts(address: String) async throws {
        try await Self.withApp { client, store in
            let encoded = address.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let body = "user_id=U2CERLKJA&text=cancel+group%2Fapp%2112&trigger_id=t&response_url=\(encoded)"
            let answer = Self.json(try await Self.slack(client, body))
            #expect((answer["text"] as? String)?.hasSuffix("the answer follows on the merge request.") == true)
            let row = try #require(try await store.nextInbox(owner: nil, now: Instant(seconds: 2)))
            guard case .command(let event) = row.delivery.event else {
                Issue.record("stored \(row.delivery.event)")
                return
            }
            #expect(event.replyURL == nil)
        }
    }

    @Test(arguments: [
        ("mrege group/app!12", "Did you mean `merge group/app!12`? Try `/train help`."),
        ("merge other/app!3", "Trainyard manages no project `other/app` on `gitlab`."),
        ("help", "`/train merge group/app!12 [p=N] [skip-line]`"),
        ("", "`/train cancel group/app!12`"),
        ("status group/app!12", "group/app!12 is not on a merge train."),
        ("status group/app", "group/app: no merge train has run yet."),
        ("status group/app main", "group/app `main`: nothing queued."),
        ("pause group/app mian", "Trainyard runs no merge train for `mian` in group/app; it runs one for `main`."),
        ("status group/app release", "Trainyard runs no merge train for `release` in group/app"),
        ("review-app deploy group/app!12", "Review apps are not configured for group/app."),
        ("review-app deplyo group/app!12", "Did you mean `review-app deploy group/app!12`?"),
    ])
    func answersWithoutStoring(text: String, expected: String) async throws {
        try await Self.withApp { client, store in
            let response = try await Self.slack(client, Self.slackForm(text))
            #expect(response.status == .ok)
            let answer = Self.json(response)
            #expect(answer["response_type"] as? String == "ephemeral")
            #expect((answer["text"] as? String)?.contains(expected) == true, "\(answer)")
            #expect(try await store.recentDeliveries(limit: 5).isEmpty)
        }
    }

    @Test func anUnmappedUserIsToldHowToGetMapped() async throws {
        try await Self.withApp { client, store in
            let response = try await Self.slack(client, Self.slackForm("merge group/app!12", user: "U999"))
            #expect((Self.json(response)["text"] as? String)?.contains("`slack: U999`") == true)
            #expect(try await store.recentDeliveries(limit: 5).isEmpty)
        }
    }

    @Test(arguments: [
        ("unsigned", 401, "missing_signature"), ("stale", 401, "stale_request"), ("future", 401, "stale_request"),
        ("wrong secret", 401, "invalid_signature"), ("oversized", 413, "body_too_large"),
        ("garbage", 400, "invalid_form"), ("json", 400, "invalid_form"), ("no user", 400, "invalid_form"),
    ])
    func badSlackRequestsAreRefusedAndStoreNothing(kind: String, status: Int, code: String) async throws {
        try await Self.withApp { client, store in
            let form = Self.slackForm("merge group/app!12")
            let response: TestResponse
            switch kind {
            case "unsigned":
                response = try await client.execute(
                    uri: "/chatops/slack", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: form))
            case "stale": response = try await Self.slack(client, form, skew: -400)
            case "future": response = try await Self.slack(client, form, skew: 400)
            case "wrong secret": response = try await Self.slack(client, form, secret: "another-secret-value")
            case "oversized":
                response = try await Self.slack(client, form + "&pad=" + String(repeating: "a", count: 4096))
            case "garbage": response = try await Self.slack(client, "user_id=U2CERLKJA&text=%zz%")
            case "json": response = try await Self.slack(client, #"{"text":"merge"}"#, contentType: "application/json")
            default: response = try await Self.slack(client, "text=merge+group%2Fapp%2112")
            }
            #expect(Int(response.status.code) == status)
            #expect(Self.errorCode(response) == code)
            #expect(try await store.recentDeliveries(limit: 5).isEmpty)
        }
    }

    @Test func mattermostTakesItsTokenFromTheHeaderOrTheForm() async throws {
        try await Self.withApp { client, store in
            let body = "user_id=aoa1agao6t8fmx3ikt1j9w5ybw&command=%2Ftrain&text=pause+group%2Fapp+main+release+freeze"
            func send(_ headers: HTTPFields, _ body: String) async throws -> TestResponse {
                var all = headers
                all[.contentType] = "application/x-www-form-urlencoded"
                return try await client.execute(
                    uri: "/chatops/mattermost", method: .post, headers: all, body: ByteBuffer(string: body))
            }
            let missing = try await send([:], body)
            #expect(missing.status == .unauthorized && Self.errorCode(missing) == "missing_token")
            let wrong = try await send([.authorization: "Token not-the-token"], body)
            #expect(wrong.status == .unauthorized && Self.errorCode(wrong) == "invalid_token")
            #expect(try await store.recentDeliveries(limit: 5).isEmpty)
            let byHeader = try await send([.authorization: "Token \(Self.token)"], body)
            #expect((Self.json(byHeader)["text"] as? String)?.contains("to pause the merge train of `main`") == true)
            let byForm = try await send([:], body + "&token=\(Self.token)&trigger_id=2")
            #expect(byForm.status == .ok)
            #expect(try await store.recentDeliveries(limit: 5).map(\.kind) == ["Mattermost pause", "Mattermost pause"])
        }
    }

    @Test func slacksCertificateCheckGetsA200AndStoresNothing() async throws {
        try await Self.withApp { client, store in
            let response = try await client.execute(
                uri: "/chatops/slack", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "ssl_check=1&token=deprecated"))
            #expect(response.status == .ok)
            #expect(try await store.recentDeliveries(limit: 5).isEmpty)
        }
    }

    @Test func unconfiguredChatServicesAreOff() async throws {
        try await Self.withApp(chatops: ChatOpsSettings()) { client, _ in
            for path in ["/chatops/slack", "/chatops/mattermost"] {
                let response = try await client.execute(uri: path, method: .post, body: ByteBuffer(string: "text=help"))
                #expect(response.status == .notFound && Self.errorCode(response) == "chatops_disabled")
            }
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardForges
import TrainyardHTTP
@testable import TrainyardStore

/// The HTTP surface with a real store and engine (which is not started: deliveries only have to
/// be stored), through Hummingbird's live test server.
struct RoutesTests {
    /// Wraps the real GitLab verifier and counts how often a body was decoded, to prove that no
    /// body is parsed before its credentials are checked.
    final class SpyVerifier: WebhookVerifier {
        let inner = GitLabWebhookVerifier(forge: "gitlab", secret: "the-secret-token", maxBodyBytes: 1024)
        let decodes = Mutex(0)
        var maxBodyBytes: Int { inner.maxBodyBytes }
        func authenticate(header: (String) -> String?) throws(IntakeError) { try inner.authenticate(header: header) }
        func decode(header: (String) -> String?, body: Data) throws(IntakeError) -> Delivery {
            decodes.withLock { $0 += 1 }
            return try inner.decode(header: header, body: body)
        }
    }

    final class NoPorts: GitPort, ForgePort {
        struct Unused: Error {}
        func targetHead(project: ProjectSettings, target: String) async throws -> SHA { throw Unused() }
        func buildCar(project: ProjectSettings, ref: String, base: SHA, changes: [Change]) async throws -> CarBuild {
            throw Unused()
        }
        func land(project: ProjectSettings, target: String, commit: SHA, expected: SHA) async throws -> Landing {
            throw Unused()
        }
        func deleteBranch(project: ProjectSettings, branch: String) async throws { throw Unused() }
        func maintain(project: ProjectSettings, keeping changes: Set<Int>) async throws -> Int { throw Unused() }
        func mergeRequest(project: ProjectSettings, number: Int) async throws -> MergeRequestInfo { throw Unused() }
        func accessLevel(project: ProjectSettings, userID: Int) async throws -> Int { throw Unused() }
        func userID(project: ProjectSettings, username: String) async throws -> Int? { throw Unused() }
        func createPipeline(
            project: ProjectSettings, ref: String, commit: SHA
        ) async throws -> (id: PipelineID, sha: SHA) {
            throw Unused()
        }
        func cancelPipeline(project: ProjectSettings, pipeline: PipelineID) async throws { throw Unused() }
        func pipeline(project: ProjectSettings, id: PipelineID) async throws -> (status: String, sha: SHA) {
            throw Unused()
        }
        func setStatus(project: ProjectSettings, sha: SHA, state: CommitState, description: String) async throws {
            throw Unused()
        }
        func comment(project: ProjectSettings, number: Int, body: String, key: String) async throws { throw Unused() }
    }

    static func withApp(
        apiTokens: [String] = ["token"], dashboard: DashboardSettings = DashboardSettings(),
        _ body: @escaping @Sendable (any TestClientProtocol, SpyVerifier, SQLiteStore) async throws -> Void
    ) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("http-\(UUID().uuidString)/t.db").path
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
        let ports = NoPorts()
        let engine = TrainEngine(
            store: store, git: ports, forges: ["gitlab": ports], projects: [], clock: { Instant(seconds: 1) },
            logger: Logger(label: "test"))
        let spy = SpyVerifier()
        var services = HTTPServices(
            verifiers: ["gitlab": spy], engine: engine, store: store, apiTokens: apiTokens,
            projects: [ProjectKey(forge: "gitlab", path: "group/app")])
        services.dashboard = dashboard
        let app = Application(router: TrainyardRoutes.router(services))
        do {
            try await app.test(.live) { client in try await body(client, spy, store) }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    static func errorCode(_ response: TestResponse) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return (object?["error"] as? [String: Any])?["code"] as? String
    }

    @Test func unauthenticatedBodiesAreNeverParsed() async throws {
        try await Self.withApp { client, spy, store in
            for token in ["wrong", ""] {
                let response = try await client.execute(
                    uri: "/webhooks/gitlab", method: .post,
                    headers: [
                        HTTPField.Name("X-Gitlab-Token")!: token, HTTPField.Name("X-Gitlab-Event")!: "Note Hook",
                    ],
                    body: ByteBuffer(string: "{malformed"))
                #expect(response.status == .unauthorized)
                #expect(Self.errorCode(response) == "invalid_token")
            }
            #expect(spy.decodes.withLock { $0 } == 0)
            #expect(try await store.recentDeliveries(limit: 5).isEmpty)
        }
    }

    @Test func acceptedDeliveryIsStoredBeforeTheAnswer() async throws {
        try await Self.withApp { client, spy, store in
            let body =
                #"{"ref":"refs/heads/main","after":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","project":{"path_with_namespace":"group/app"}}"#
            let headers: HTTPFields = [
                HTTPField.Name("X-Gitlab-Token")!: "the-secret-token", HTTPField.Name("X-Gitlab-Event")!: "Push Hook",
                HTTPField.Name("X-Gitlab-Event-UUID")!: "e-1",
            ]
            let response = try await client.execute(
                uri: "/webhooks/gitlab", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(response.status == .accepted)
            #expect(try await store.recentDeliveries(limit: 5).map(\.key) == ["e-1"])
            let again = try await client.execute(
                uri: "/webhooks/gitlab", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(again.status == .ok)
            #expect(spy.decodes.withLock { $0 } == 2)
        }
    }

    @Test func bodyOverTheCapIsRefusedBeforeDecoding() async throws {
        try await Self.withApp { client, spy, _ in
            let response = try await client.execute(
                uri: "/webhooks/gitlab", method: .post,
                headers: [
                    HTTPField.Name("X-Gitlab-Token")!: "the-secret-token",
                    HTTPField.Name("X-Gitlab-Event")!: "Push Hook",
                ],
                body: ByteBuffer(repeating: 0x7b, count: 2048))
            #expect(response.status == .contentTooLarge)
            #expect(Self.errorCode(response) == "body_too_large")
            #expect(spy.decodes.withLock { $0 } == 0)
        }
    }

    @Test func healthAndReadiness() async throws {
        try await Self.withApp { client, _, _ in
            for method in [HTTPRequest.Method.get, .head] {
                #expect(try await client.execute(uri: "/healthz", method: method).status == .ok)
                // The engine of these tests is not started (ReadinessTests runs one).
                #expect(try await client.execute(uri: "/readyz", method: method).status == .serviceUnavailable)
            }
            let missing = try await client.execute(uri: "/nothing-here", method: .get)
            #expect(missing.status == .notFound)
        }
    }

    @Test func quarantinedRowsAreShownWithTheirError() async throws {
        try await Self.withApp { client, _, store in
            _ = try await store.connection.query(
                """
                INSERT INTO inbox (source, key, kind, owner, delivery, received_at)
                VALUES ('gitlab', 'k', 'Push Hook', 'gitlab:group/app@main', '{"broken": true}', 1)
                """, [])
            #expect(try await store.nextInbox(owner: nil, now: Instant(seconds: 2_000_000_000)) == nil)
            let unauthorized = try await client.execute(uri: "/api/v1/quarantine", method: .get)
            #expect(unauthorized.status == .unauthorized)
            let response = try await client.execute(
                uri: "/api/v1/quarantine", method: .get, headers: [.authorization: "Bearer token"])
            #expect(response.status == .ok)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            let rows = try #require(json?["quarantine"] as? [[String: Any]])
            #expect(rows.count == 1)
            #expect(rows.first?["kind"] as? String == "inbox")
            #expect(rows.first?["payload"] as? String == #"{"broken": true}"#)
            #expect((rows.first?["error"] as? String)?.isEmpty == false)
        }
    }

    @Test func apiWithoutConfiguredTokensIsOff() async throws {
        try await Self.withApp(apiTokens: []) { client, _, _ in
            let response = try await client.execute(
                uri: "/api/v1/trains", method: .get, headers: [.authorization: "Bearer anything"])
            #expect(response.status == .forbidden)
            #expect(Self.errorCode(response) == "api_disabled")
        }
    }

    @Test(arguments: ["", "Basic dXNlcjpwYXNz", "Bearer", "Bearer wrong", "Bearer tokenx"])
    func apiRefusesMissingOrWrongTokens(authorization: String) async throws {
        try await Self.withApp { client, _, _ in
            var headers = HTTPFields()
            if !authorization.isEmpty { headers[.authorization] = authorization }
            let response = try await client.execute(uri: "/api/v1/trains", method: .get, headers: headers)
            #expect(response.status == .unauthorized)
        }
    }

    /// The trains list shows `adaptive`'s probes beside its cars.
    @Test func trainsListProbes() async throws {
        try await Self.withApp { client, _, store in
            let id = TrainID(forge: "gitlab", project: "group/app", target: "main")
            var train = Train(id: id, settings: TrainSettings(planner: .adaptive))
            let change = Change(
                number: 15, head: SHA(String(repeating: "e", count: 40)), title: "Docs", sourceBranch: "docs",
                requestedBy: "@bob", enqueuedAt: Instant(seconds: 1))
            train.queue = [change]
            train.probes = [Car(id: CarID(10), base: SHA(String(repeating: "9", count: 40)), changes: [change])]
            try await store.commit(train: id, state: train, actions: [], finishing: nil, at: Instant(seconds: 1))
            let response = try await client.execute(
                uri: "/api/v1/trains", method: .get, headers: [.authorization: "Bearer token"])
            #expect(response.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            let listed = (object?["trains"] as? [[String: Any]])?.first
            let probes = listed?["probes"] as? [[String: Any]]
            #expect(probes?.count == 1)
            #expect(probes?.first?["changes"] as? [Int] == [15])
            #expect(probes?.first?["ref"] as? String == "trainyard/main/10")
            #expect(probes?.first?["status"] as? String == "building")
            #expect((listed?["cars"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    @Test func apiRefusesOversizedRequests() async throws {
        try await Self.withApp { client, _, _ in
            let response = try await client.execute(
                uri: "/api/v1/projects/group%2Fapp/merge_requests/1/enqueue", method: .post,
                headers: [.authorization: "Bearer token"], body: ByteBuffer(repeating: 0x20, count: 100_000))
            #expect(response.status == .contentTooLarge)
        }
    }
}

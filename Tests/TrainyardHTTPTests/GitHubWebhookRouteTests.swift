import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardForges
import TrainyardHTTP
@testable import TrainyardStore

/// `POST /webhooks/github` with the real GitHub verifier, a real SQLite store and HTTP over
/// loopback: unsigned, forged, malformed, oversized and replayed deliveries.
struct GitHubWebhookRouteTests {
    static let secret = "gh-secret"

    static func withApp(
        _ body: @escaping @Sendable (any TestClientProtocol, SQLiteStore) async throws -> Void
    ) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gh-\(UUID().uuidString)/t.db").path
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
        let ports = RoutesTests.NoPorts()
        let engine = TrainEngine(
            store: store, git: ports, forges: ["github": ports], projects: [], clock: { Instant(seconds: 1) },
            logger: Logger(label: "test"))
        let services = HTTPServices(
            verifiers: ["github": GitHubWebhookVerifier(forge: "github", secret: secret, maxBodyBytes: 4096)],
            engine: engine, store: store, apiTokens: [], projects: [ProjectKey(forge: "github", path: "o/r")])
        do {
            try await Application(router: TrainyardRoutes.router(services)).test(.live) { client in
                try await body(client, store)
            }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    static let push =
        #"{"ref":"refs/heads/main","after":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","repository":{"full_name":"o/r"}}"#

    static func headers(body: String, secret: String = secret, delivery: String = "d-1") -> HTTPFields {
        [
            HTTPField.Name("X-GitHub-Event")!: "push", HTTPField.Name("X-GitHub-Delivery")!: delivery,
            HTTPField.Name("X-Hub-Signature-256")!: GitHubWebhookVerifier.signature(
                of: Data(body.utf8), secret: secret),
        ]
    }

    @Test func aSignedDeliveryIsStoredOnceAndItsRedeliveryIsADuplicate() async throws {
        try await Self.withApp { client, store in
            let first = try await client.execute(
                uri: "/webhooks/github", method: .post, headers: Self.headers(body: Self.push),
                body: ByteBuffer(string: Self.push))
            #expect(first.status == .accepted)
            let again = try await client.execute(
                uri: "/webhooks/github", method: .post, headers: Self.headers(body: Self.push),
                body: ByteBuffer(string: Self.push))
            #expect(again.status == .ok)
            #expect(String(buffer: again.body).contains("duplicate"))
            #expect(try await store.recentDeliveries(limit: 5).map(\.key) == ["d-1"])
        }
    }

    @Test func unsignedForgedMalformedAndOversizedDeliveriesAreRefusedAndNothingIsStored() async throws {
        try await Self.withApp { client, store in
            var unsigned = Self.headers(body: Self.push)
            unsigned[HTTPField.Name("X-Hub-Signature-256")!] = nil
            let cases: [(HTTPFields, String, HTTPResponse.Status, String)] = [
                (unsigned, Self.push, .unauthorized, "missing_signature"),
                (Self.headers(body: Self.push, secret: "other"), Self.push, .unauthorized, "invalid_signature"),
                (Self.headers(body: Self.push), Self.push + " ", .unauthorized, "invalid_signature"),
                (Self.headers(body: "{\"ref\":"), "{\"ref\":", .badRequest, "malformed_json"),
                (
                    Self.headers(body: String(repeating: " ", count: 5000)), String(repeating: " ", count: 5000),
                    .contentTooLarge, "body_too_large"
                ),
            ]
            for (headers, body, status, code) in cases {
                let response = try await client.execute(
                    uri: "/webhooks/github", method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(response.status == status, "\(code)")
                #expect(RoutesTests.errorCode(response) == code)
                #expect(String(buffer: response.body).contains("message"))
            }
            #expect(try await store.recentDeliveries(limit: 5).isEmpty)
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardHTTP

@testable import TrainyardStore

/// `/api/v1/schedules`: the list with next runs in two zones, commands stored as deliveries, and
/// bad, unsigned, unknown and repeated requests.
struct ScheduleEndpointTests {
    static let nightly = ScheduleDefinition(
        name: "nightly", forge: "gitlab", project: "group/app", ref: "main", cron: "30 2 * * *",
        timeZone: "Europe/Berlin", variables: ["SUITE": "full"])

    static func withApp(
        _ body: @escaping @Sendable (any TestClientProtocol, SQLiteStore) async throws -> Void
    ) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("http-\(UUID().uuidString)/t.db").path
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
        let ports = RoutesTests.NoPorts()
        let engine = TrainEngine(
            store: store, git: ports, forges: ["gitlab": ports], projects: [], clock: { Instant(seconds: 1) },
            logger: Logger(label: "test"), schedules: [nightly])
        let services = HTTPServices(
            verifiers: ["gitlab": RoutesTests.SpyVerifier()], engine: engine, store: store, apiTokens: ["token"],
            projects: [ProjectKey(forge: "gitlab", path: "group/app")])
        let app = Application(router: TrainyardRoutes.router(services))
        do {
            try await app.test(.live) { client in try await body(client, store) }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    static let auth: HTTPFields = [.authorization: "Bearer token"]

    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
    }

    @Test func listShowsTheNextRunInUTCAndInTheZone() async throws {
        try await Self.withApp { client, _ in
            let response = try await client.execute(uri: "/api/v1/schedules", method: .get, headers: Self.auth)
            #expect(response.status == .ok)
            let schedules = Self.json(response)["schedules"] as? [[String: Any]] ?? []
            #expect(schedules.count == 1)
            let first = schedules.first ?? [:]
            #expect(first["name"] as? String == "nightly" && first["origin"] as? String == "config")
            let next = first["nextRun"] as? [String: String] ?? [:]
            #expect(next["utc"]?.hasSuffix("Z") == true)
            #expect(next["local"]?.contains("T02:30:00+01:00") == true || next["local"]?.contains("+02:00") == true)
            let other = try await client.execute(
                uri: "/api/v1/schedules?project=group/other", method: .get, headers: Self.auth)
            #expect((Self.json(other)["schedules"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func commandsAreStoredForTheScheduleAndRepeatsAreDuplicates() async throws {
        try await Self.withApp { client, store in
            var headers = Self.auth
            headers[HTTPField.Name("Idempotency-Key")!] = "run-1"
            let run = try await client.execute(uri: "/api/v1/schedules/nightly/run", method: .post, headers: headers)
            #expect(run.status == .accepted)
            let again = try await client.execute(uri: "/api/v1/schedules/nightly/run", method: .post, headers: headers)
            #expect(again.status == .ok && Self.json(again)["status"] as? String == "duplicate")
            for verb in ["pause", "resume"] {
                let response = try await client.execute(
                    uri: "/api/v1/schedules/nightly/\(verb)", method: .post, headers: Self.auth)
                #expect(response.status == .accepted)
            }
            let stored = try await store.recentDeliveries(limit: 10)
            #expect(stored.count == 3 && stored.allSatisfy { $0.kind == "API schedule" })
            #expect(try await store.nextInbox(owner: .schedule("nightly"), now: Instant(seconds: 2)) != nil)
        }
    }

    @Test func badUnknownUnsignedAndConfiguredRequestsAreRefusedWithAReason() async throws {
        try await Self.withApp { client, store in
            let unsigned = try await client.execute(uri: "/api/v1/schedules/nightly/run", method: .post)
            #expect(unsigned.status == .unauthorized)
            let unknown = try await client.execute(
                uri: "/api/v1/schedules/weekly/run", method: .post, headers: Self.auth)
            #expect(unknown.status == .notFound && RoutesTests.errorCode(unknown) == "unknown_schedule")
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("{nope", .badRequest, "invalid_body"),
                (#"{"name":"w","project":"group/app","ref":"main"}"#, .badRequest, "invalid_body"),
                (
                    #"{"name":"w","project":"group/app","ref":"main","cron":"0 25 * * *"}"#, .badRequest,
                    "invalid_schedule"
                ),
                (
                    #"{"name":"w","project":"group/app","ref":"main","cron":"@daily","time_zone":"Mars/Olympus"}"#,
                    .badRequest, "invalid_schedule"
                ),
                (
                    #"{"name":"nightly","project":"group/app","ref":"main","cron":"@daily"}"#, .conflict,
                    "schedule_in_configuration"
                ),
                (
                    #"{"name":"w","forge":"github","project":"group/app","ref":"main","cron":"@daily"}"#, .badRequest,
                    "unknown_forge"
                ),
                (String(repeating: "x", count: 2_000_000), .contentTooLarge, "body_too_large"),
            ]
            for (body, status, code) in cases {
                let response = try await client.execute(
                    uri: "/api/v1/schedules", method: .post, headers: Self.auth, body: ByteBuffer(string: body))
                #expect(response.status == status, "\(body.prefix(80))")
                #expect(RoutesTests.errorCode(response) == code, "\(body.prefix(80))")
            }
            let message = try await client.execute(
                uri: "/api/v1/schedules", method: .post, headers: Self.auth,
                body: ByteBuffer(string: #"{"name":"w","project":"group/app","ref":"main","cron":"0 25 * * *"}"#))
            let error = Self.json(message)["error"] as? [String: Any]
            #expect(
                (error?["message"] as? String)?.contains("cron: hour field '25': hour 25 is out of range 0–23") == true)
            let delete = try await client.execute(uri: "/api/v1/schedules/nightly", method: .delete, headers: Self.auth)
            #expect(delete.status == .conflict)
            #expect(try await store.recentDeliveries(limit: 10).isEmpty, "nothing refused was stored")
            let defined = try await client.execute(
                uri: "/api/v1/schedules", method: .post, headers: Self.auth,
                body: ByteBuffer(string: #"{"name":"weekly","project":"group/app","ref":"main","cron":"@weekly"}"#))
            #expect(defined.status == .accepted)
        }
    }
}

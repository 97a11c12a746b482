import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardHTTP

@testable import TrainyardStore

/// `/readyz` with a real SQLite store and engine: every check that fails is named in the body.
struct ReadyzTests {
    static func body(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
    }

    static func reasons(_ response: TestResponse) -> [String] {
        body(response)["reasons"] as? [String] ?? []
    }

    @Test func readyOnlyWhileTheEngineRunsTheSchemaIsCurrentAndNothingWaitsTooLong() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ready-\(UUID().uuidString)/t.db").path
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
        let now = Mutex(Instant(seconds: 1000))
        let ports = RoutesTests.NoPorts()
        let engine = TrainEngine(
            store: store, git: ports, forges: ["gitlab": ports], projects: [], clock: { now.withLock { $0 } },
            logger: Logger(label: "test"))
        var services = HTTPServices(verifiers: [:], engine: engine, store: store, apiTokens: [], projects: [])
        services.readiness = Readiness(
            schema: { try await store.schemaStatus().requireCurrent() }, stuckAfterSeconds: 60)
        let app = Application(router: TrainyardRoutes.router(services))
        try await app.test(.live) { client in
            let before = try await client.execute(uri: "/readyz", method: .get)
            #expect(before.status == .serviceUnavailable)
            #expect(Self.reasons(before) == ["engine: not running (starting up or shutting down)"])
            #expect(try await client.execute(uri: "/readyz", method: .head).status == .serviceUnavailable)

            let running = Task { await engine.run() }
            while !engine.isRunning { try await Task.sleep(for: .milliseconds(10)) }
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok, "\(Self.body(ready))")
            #expect(Self.body(ready)["status"] as? String == "ready" && Self.body(ready)["inbox"] as? Int == 0)
            #expect(try await client.execute(uri: "/healthz", method: .head).status == .ok)
            engine.stop()
            await running.value

            // A delivery no driver takes (the engine is stopped) waits past the threshold.
            let delivery = Delivery(
                source: "gitlab", key: "stuck", kind: "Push Hook",
                event: .push(
                    PushEvent(project: ProjectKey(forge: "gitlab", path: "group/app"), branch: "main", after: nil)))
            let owner = Owner.train(TrainID(forge: "gitlab", project: "group/app", target: "main"))
            _ = try await store.insert(delivery, owner: owner, at: Instant(seconds: 1000))
            now.withLock { $0 = Instant(seconds: 1090) }
            _ = try await store.connection.query("PRAGMA user_version = 999", [])
            let stuck = try await client.execute(uri: "/readyz", method: .get)
            #expect(stuck.status == .serviceUnavailable)
            let reasons = Self.reasons(stuck)
            #expect(reasons.count == 3, "\(reasons)")
            #expect(reasons.contains { $0.hasPrefix("schema: the database has schema version 999") }, "\(reasons)")
            #expect(reasons.contains { $0.contains("a due delivery has waited 90 s, more than 60 s") }, "\(reasons)")
        }
        try await store.close()
    }

    @Test func anUnreachableStoreIsNamed() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ready-\(UUID().uuidString)/t.db").path
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
        let ports = RoutesTests.NoPorts()
        let engine = TrainEngine(
            store: store, git: ports, forges: [:], projects: [], clock: { Instant(seconds: 1) },
            logger: Logger(label: "test"))
        let services = HTTPServices(verifiers: [:], engine: engine, store: store, apiTokens: [], projects: [])
        try await store.close()
        let app = Application(router: TrainyardRoutes.router(services))
        try await app.test(.live) { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(Self.reasons(response).contains { $0.hasPrefix("store: not reachable") }, "\(Self.body(response))")
        }
    }
}

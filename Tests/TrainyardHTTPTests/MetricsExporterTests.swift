import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardHTTP
import TrainyardTesting

@testable import TrainyardStore

/// `/metrics` over HTTP with a seeded SQLite store: the trains' gauges and the backlog are read at
/// each scrape, the text is valid Prometheus, and every family is one of the catalog's.
struct MetricsExporterTests {
    static func change(_ number: Int) -> Change {
        Change(
            number: number, head: SHA(String(repeating: "\(number % 10)", count: 40)), title: "Change \(number)",
            sourceBranch: "feature-\(number)", requestedBy: "@alice", enqueuedAt: Instant(seconds: 100))
    }

    static func train(_ target: String, queued: [Int], paused: Bool) -> Train {
        var train = Train(
            id: TrainID(forge: "gitlab", project: "group/app", target: target),
            settings: TrainSettings(maxParallel: 2, planner: .prefix))
        _ = train.apply(.targetMoved(head: SHA(String(repeating: "a", count: 40))))
        for number in queued { _ = train.apply(.changeEnqueued(change(number))) }
        if paused { _ = train.apply(.trainPaused(reason: "release freeze", by: "@maya")) }
        return train
    }

    @Test func theTrainsAndTheBacklogAreReadAtEachScrape() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString)/t.db")
        let store = try await SQLiteStore.open(path: path.path, logger: Logger(label: "test"))
        let exporter = MetricsExporter()
        let ports = RoutesTests.NoPorts()
        let engine = TrainEngine(
            store: store, git: ports, forges: [:], projects: [], clock: { Instant(seconds: 160) },
            logger: Logger(label: "test"), metrics: exporter.metrics)
        var services = HTTPServices(verifiers: [:], engine: engine, store: store, apiTokens: [], projects: [])
        services.exporter = exporter
        for train in [
            Self.train("main", queued: [1, 2, 3], paused: false), Self.train("release", queued: [7], paused: true),
        ] {
            try await store.commit(
                train: train.id, state: train, actions: [], finishing: nil, at: Instant(seconds: 100))
        }
        let delivery = Delivery(
            source: "gitlab", key: "k", kind: "Push Hook",
            event: .push(PushEvent(project: ProjectKey(forge: "gitlab", path: "group/app"), branch: "main", after: nil))
        )
        _ = try await store.insert(delivery, owner: nil, at: Instant(seconds: 100))

        let app = Application(router: TrainyardRoutes.router(services))
        try await app.test(.live) { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = try PrometheusText(String(buffer: response.body))
            let main = ["project": "group/app", "target": "main"]
            let release = ["project": "group/app", "target": "release"]
            #expect(text.value("trainyard_queue_length", main) == 3)
            #expect(text.value("trainyard_queue_length", release) == 1)
            #expect(
                text.value("trainyard_train_paused", main) == 0 && text.value("trainyard_train_paused", release) == 1)
            let stored = try await store.trains().first { $0.id.target == "main" }
            let building = Double(stored?.cars.filter { $0.status == .building }.count ?? 0)
            #expect(
                building > 0 && text.value("trainyard_cars", main.merging(["state": "building"]) { $1 }) == building)
            #expect(
                text.value("trainyard_cars", main.merging(["state": "landing"]) { $1 }) == 0,
                "every state is shown, at 0 too")
            #expect(text.value("trainyard_landings_total", release) == 0, "a train's landings start at 0")
            #expect(text.value("trainyard_inbox_backlog") == 1)
            #expect(text.value("trainyard_inbox_oldest_wait_seconds") == 60)
            for family in text.families {
                #expect(MetricCatalog.byName[family] != nil, "\(family) is in the catalog")
            }
            #expect(text.help["trainyard_queue_length"] == MetricCatalog.queueLength.help)
            #expect(text.value("trainyard_ready") == 0, "the engine of this test does not run: not ready")
        }
        try await store.close()
    }

    @Test func withoutAnExporterMetricsAreOff() async throws {
        try await RoutesTests.withApp { client, _, _ in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .notFound && RoutesTests.errorCode(response) == "metrics_off")
        }
    }
}

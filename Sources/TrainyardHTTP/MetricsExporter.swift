import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird
import Prometheus
import TrainyardCore
import TrainyardEngine

/// `GET /metrics`: Prometheus' text format from one registry. Counters and histograms are
/// recorded as things happen (``ServiceMetrics``); the gauges of the trains and the backlog are
/// read from the store at each scrape, so every replica of a shared database reports the same
/// values (aggregate them with `max`, not `sum`).
public final class MetricsExporter: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// Records into this exporter's registry.
    public let metrics: ServiceMetrics

    public init() {
        registry = PrometheusCollectorRegistry()
        metrics = ServiceMetrics(factory: CatalogMetricsFactory(registry: registry))
        for metric in MetricCatalog.all { metrics.register(metric) }
    }

    /// The text a scrape gets: the store's gauges read now, then every metric.
    public func scrape(
        store: any EngineStore, now: Instant, clockSpeed: Int64 = 1, backlog read: StoreBacklog? = nil
    ) async throws -> String {
        let backlog: StoreBacklog
        if let read { backlog = read } else { backlog = try await store.backlog(now: now) }
        let speed = Double(max(1, clockSpeed))
        metrics.set(MetricCatalog.inboxBacklog, [], Double(backlog.inbox))
        metrics.set(MetricCatalog.inboxOldestWait, [], backlog.inboxAge(at: now) / speed)
        metrics.set(MetricCatalog.outboxBacklog, [], Double(backlog.outbox))
        metrics.set(MetricCatalog.outboxOldestWait, [], backlog.outboxAge(at: now) / speed)
        for train in try await store.trains() {
            let labels = [("project", train.id.project), ("target", train.id.target)]
            metrics.set(MetricCatalog.queueLength, labels, Double(train.queue.count))
            metrics.set(MetricCatalog.trainPaused, labels, train.pause == nil ? 0 : 1)
            var cars = Dictionary(uniqueKeysWithValues: Car.Status.allCases.map { ($0, 0) })
            for car in train.cars + (train.probes ?? []) { cars[car.status, default: 0] += 1 }
            for (state, count) in cars {
                metrics.set(MetricCatalog.cars, labels + [("state", state.rawValue)], Double(count))
            }
            // Shown at 0 before the first landing, so `increase()` sees the first one.
            metrics.touch(MetricCatalog.landings, labels)
            metrics.touch(MetricCatalog.ciSeconds, labels)
        }
        return registry.emitToString()
    }

    func response(store: any EngineStore, engine: TrainEngine, readiness: Readiness) async throws -> Response {
        let verdict = await readiness.verdict(engine: engine, store: store)
        metrics.set(MetricCatalog.ready, [], verdict.reasons.isEmpty ? 1 : 0)
        let text = try await scrape(
            store: store, now: engine.now, clockSpeed: engine.clockSpeed, backlog: verdict.backlog)
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

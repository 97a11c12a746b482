import CoreMetrics
import Prometheus
import TrainyardEngine

/// The swift-metrics backend of `/metrics`: every metric is created in the Prometheus registry
/// with the help text and buckets of its ``MetricCatalog`` entry (a name the catalog does not know,
/// from a library, gets no help and the default buckets).
struct CatalogMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry

    static let defaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    func descriptor(_ label: String) -> (MetricNameDescriptor, [Double]) {
        let definition = MetricCatalog.byName[label]
        return (
            MetricNameDescriptor(metricName: label, unitName: "", helpText: definition?.help ?? ""),
            definition.map { $0.buckets.isEmpty ? Self.defaultBuckets : $0.buckets } ?? Self.defaultBuckets
        )
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label).0, labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label).0, labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        let (name, buckets) = descriptor(label)
        guard aggregate else { return registry.makeGauge(descriptor: name, labels: dimensions) }
        return registry.makeValueHistogram(descriptor: name, labels: dimensions, buckets: buckets)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label).0, labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let (name, buckets) = descriptor(label)
        return registry.makeDurationHistogram(
            descriptor: name, labels: dimensions,
            buckets: buckets.map { Duration.nanoseconds(Int64(($0 * 1e9).rounded())) })
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? ValueHistogram { registry.unregisterValueHistogram(histogram) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}

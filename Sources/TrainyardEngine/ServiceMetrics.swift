import CoreMetrics
import TrainyardCore

/// Records Trainyard's metrics (``MetricCatalog``) through swift-metrics, with the factory it is
/// given: the Prometheus exporter in the service, a no-op in tests that do not look, a recording
/// one in tests that do. Each method fixes its metric's labels, so a name is always used with the
/// same label names, as Prometheus requires.
public struct ServiceMetrics: Sendable {
    public let factory: any MetricsFactory

    public init(factory: any MetricsFactory) { self.factory = factory }

    /// Records nothing.
    public static let none = ServiceMetrics(factory: NOOPMetricsHandler.instance)

    func count(_ metric: MetricDefinition, _ labels: [(String, String)], by amount: Int64 = 1) {
        Counter(label: metric.name, dimensions: labels, factory: factory).increment(by: amount)
    }

    func add(_ metric: MetricDefinition, _ labels: [(String, String)], _ amount: Double) {
        FloatingPointCounter(label: metric.name, dimensions: labels, factory: factory).increment(by: amount)
    }

    func observe(_ metric: MetricDefinition, _ labels: [(String, String)], seconds: Double) {
        Timer(label: metric.name, dimensions: labels, factory: factory).recordSeconds(max(0, seconds))
    }

    /// Creates a metric without labels before it is first recorded, so a scrape shows it (at 0)
    /// from the start.
    public func register(_ metric: MetricDefinition) {
        guard metric.labels.isEmpty else { return }
        switch metric.kind {
        case .counter: count(metric, [], by: 0)
        case .gauge: _ = Gauge(label: metric.name, dimensions: [], factory: factory)
        case .histogram: _ = Timer(label: metric.name, dimensions: [], factory: factory)
        }
    }

    /// Creates a counter with these labels at 0 if it is not there yet.
    public func touch(_ metric: MetricDefinition, _ labels: [(String, String)]) {
        count(metric, labels, by: 0)
    }

    /// Sets a gauge (read from the store when scraped).
    public func set(_ metric: MetricDefinition, _ labels: [(String, String)], _ value: Double) {
        Gauge(label: metric.name, dimensions: labels, factory: factory).record(value)
    }

    /// A webhook or chat delivery was answered: `outcome` is `stored`, `duplicate` or an error
    /// code (`invalid_token`, `body_too_large`, …); `seconds` is how long the answer took.
    public func delivery(source: String, outcome: String, seconds: Double) {
        count(MetricCatalog.webhookDeliveries, [("source", source), ("outcome", outcome)])
        observe(MetricCatalog.intakeDuration, [("source", source)], seconds: seconds)
    }

    /// What one committed event did to train `id`.
    public func record(_ measurements: [TrainMeasurement], train id: TrainID) {
        let train = [("project", id.project), ("target", id.target)]
        for measurement in measurements {
            switch measurement {
            case .landed(_, let waited):
                count(MetricCatalog.landings, train)
                observe(MetricCatalog.timeToMerge, train, seconds: waited)
            case .removed(_, let reason, let waited, let rejected):
                count(MetricCatalog.removals, train + [("reason", reason.rawValue)])
                if rejected { observe(MetricCatalog.timeToReject, train, seconds: waited) }
            case .pipelineFinished(_, let outcome, let seconds):
                count(MetricCatalog.pipelines, train + [("outcome", outcome.rawValue)])
                add(MetricCatalog.ciSeconds, train, seconds)
            }
        }
    }

    /// The engine applied one stored delivery in `seconds`.
    public func eventProcessed(seconds: Double) {
        observe(MetricCatalog.eventDuration, [], seconds: seconds)
    }

    /// This replica took a train over from one whose lease ran out.
    public func leaseHandedOver() { count(MetricCatalog.leaseHandovers, []) }

    /// A forge API call ended with `status` (0: no answer) after `seconds`.
    public func forgeRequest(forge: String, status: Int, seconds: Double) {
        count(MetricCatalog.forgeRequests, [("forge", forge), ("status", status == 0 ? "error" : "\(status)")])
        observe(MetricCatalog.forgeRequestDuration, [("forge", forge)], seconds: seconds)
    }

    /// A forge call waits `seconds` because the forge said it was over a rate limit.
    public func rateLimitWait(forge: String, seconds: Double) {
        count(MetricCatalog.rateLimitWaits, [("forge", forge)])
        add(MetricCatalog.rateLimitWaitSeconds, [("forge", forge)], seconds)
    }
}

extension Duration {
    /// The duration in seconds, as metrics record it.
    public var inSeconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}

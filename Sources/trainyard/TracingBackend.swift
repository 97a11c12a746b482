import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// `tracing:` on: spans go to an OpenTelemetry collector over OTLP/HTTP (swift-otel), batched in
/// the background. Only traces: metrics stay on `/metrics` and logs on standard error.
enum TracingBackend {
    /// Sets up the process-wide tracer and returns the service that exports its spans; it runs
    /// beside the application and flushes what is left when the service stops.
    static func start(_ settings: TrainyardConfig.Tracing, logger: Logger) throws -> any Service {
        var configuration = OTel.Configuration.default
        configuration.serviceName = settings.serviceName
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.diagnosticLogger = .custom(logger)
        configuration.traces.otlpExporter.endpoint = tracesURL(settings.endpoint)
        configuration.traces.otlpExporter.protocol = settings.wireProtocol == "http/json" ? .httpJSON : .httpProtobuf
        configuration.traces.batchSpanProcessor.scheduleDelay = .seconds(1)
        let (tracer, service) = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(tracer)
        return service
    }

    /// The collector's traces address: `/v1/traces` after a bare base address, as the OTLP
    /// exporters' environment variables do; an address with a path is taken as it is.
    static func tracesURL(_ endpoint: String) -> String {
        guard let url = URL(string: endpoint), url.path.isEmpty || url.path == "/" else { return endpoint }
        return (endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint) + "/v1/traces"
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import TrainyardCore
import TrainyardEngine

/// What the HTTP surface needs from the rest of Trainyard. The executable fills it in.
public struct HTTPServices: Sendable {
    /// Webhook verifiers by forge name: `POST /webhooks/<name>`.
    public var verifiers: [String: any WebhookVerifier]
    public var engine: TrainEngine
    public var store: any EngineStore
    /// Bearer tokens accepted by `/api/v1`; with none, the API refuses every call.
    public var apiTokens: [String]
    public var projects: [ProjectKey]
    /// The largest API request body, in bytes.
    public var maxAPIBodyBytes: Int
    /// Slack and Mattermost slash commands: secrets and the chat users' forge users.
    public var chatops: ChatOpsSettings
    /// The target branches with a merge train, per project (chat answers a branch without one
    /// at once).
    public var targets: [ProjectKey: [String]]
    /// Signed links to review apps' screenshots; nil serves none.
    public var screenshots: ScreenshotLinks?
    /// What `/readyz` checks.
    public var readiness = Readiness()
    /// The registry `/metrics` serves; nil answers `404 metrics_off`. The engine and the forge
    /// clients record into it through ``MetricsExporter/metrics``.
    public var exporter: MetricsExporter?
    /// Who may read the dashboard, and where its links point.
    public var dashboard = DashboardSettings()

    public init(
        verifiers: [String: any WebhookVerifier], engine: TrainEngine, store: any EngineStore, apiTokens: [String],
        projects: [ProjectKey], maxAPIBodyBytes: Int = 64 * 1024, chatops: ChatOpsSettings = ChatOpsSettings(),
        targets: [ProjectKey: [String]] = [:]
    ) {
        self.chatops = chatops
        self.targets = targets
        self.verifiers = verifiers
        self.engine = engine
        self.store = store
        self.apiTokens = apiTokens
        self.projects = projects
        self.maxAPIBodyBytes = maxAPIBodyBytes
    }
}

/// Builds the router of Trainyard's HTTP surface.
public enum TrainyardRoutes {
    /// Every route, as `METHOD /path` with `{name}` parameters, as `docs/openapi.yaml` lists
    /// them. The router registers nothing else (a route missing here stops it at once), and a
    /// test holds this list, the OpenAPI document and the live router to each other.
    public static let endpoints: Set<String> = [
        "GET /healthz", "HEAD /healthz", "GET /readyz", "HEAD /readyz", "GET /metrics",
        "GET /", "GET /events", "GET /dashboard.css", "GET /dashboard.js", "GET /projects/{project}/changes/{iid}",
        "POST /webhooks/{forge}", "POST /chatops/slack", "POST /chatops/mattermost",
        "POST /api/v1/projects/{project}/merge_requests/{iid}/enqueue",
        "DELETE /api/v1/projects/{project}/merge_requests/{iid}/enqueue",
        "POST /api/v1/projects/{project}/targets/{target}/pause",
        "DELETE /api/v1/projects/{project}/targets/{target}/pause",
        "GET /api/v1/projects/{project}/events", "GET /api/v1/trains", "GET /api/v1/deliveries",
        "GET /api/v1/quarantine", "GET /api/v1/schedules", "POST /api/v1/schedules", "GET /api/v1/schedules/{name}",
        "DELETE /api/v1/schedules/{name}", "POST /api/v1/schedules/{name}/run", "POST /api/v1/schedules/{name}/pause",
        "POST /api/v1/schedules/{name}/resume", "GET /review-apps/files/{file}",
        "POST /api/v1/projects/{project}/merge_requests/{iid}/review_app/{action}",
        "GET /api/v1/projects/{project}/review_apps",
    ]

    public static func router(_ services: HTTPServices) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        // A span per request when tracing is on (a no-op otherwise); the webhook's span is the
        // parent of everything the delivery leads to (see ``TraceParent``).
        // The dashboard's `?token=` is never recorded.
        router.add(middleware: TracingMiddleware(redactingQueryParameters: ["token"]))
        router.add(middleware: APIErrorMiddleware())
        /// Registers a documented route; `path` uses `{name}` as the documents do.
        func on(
            _ method: HTTPRequest.Method, _ path: String,
            _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response
        ) {
            precondition(
                endpoints.contains("\(method) \(path)"), "\(method) \(path) is not in TrainyardRoutes.endpoints")
            let pattern = path.replacing(#/\{(\w+)\}/#) { ":\($0.output.1)" }
            router.on(RouterPath(pattern), method: method, use: handler)
        }
        // HEAD answers as GET does (load balancers probe with either).
        for method in [HTTPRequest.Method.get, .head] {
            on(method, "/healthz") { _, _ in JSONBody.response(.ok, ["status": "ok"]) }
            on(method, "/readyz") { _, _ in
                await services.readiness.response(engine: services.engine, store: services.store)
            }
        }
        on(.get, "/metrics") { _, _ in
            guard let exporter = services.exporter else {
                throw APIError(.notFound, "metrics_off", "This Trainyard serves no metrics.")
            }
            return try await exporter.response(
                store: services.store, engine: services.engine, readiness: services.readiness)
        }
        let dashboard = DashboardEndpoint(services: services)
        on(.get, "/") { request, _ in try await dashboard.front(request) }
        on(.get, "/events") { request, _ in try await dashboard.events(request) }
        on(.get, "/projects/{project}/changes/{iid}") { request, context in
            try await dashboard.history(request, context: context)
        }
        on(.get, "/dashboard.css") { _, _ in
            DashboardEndpoint.asset(DashboardAssets.css, type: "text/css; charset=utf-8")
        }
        on(.get, "/dashboard.js") { _, _ in
            DashboardEndpoint.asset(DashboardAssets.script, type: "text/javascript; charset=utf-8")
        }
        let meter = DeliveryMeter(metrics: services.engine.metrics)
        on(.post, "/webhooks/{forge}") { request, context in
            let forge = context.parameters.get("forge") ?? ""
            return try await meter.measure(source: services.verifiers[forge] == nil ? "unknown" : forge) {
                try await WebhookEndpoint(services: services).receive(request, context: context)
            }
        }
        let chat = ChatEndpoint(services: services)
        on(.post, "/chatops/slack") { request, _ in
            try await meter.measure(source: "slack") { try await chat.receive(.slack, request) }
        }
        on(.post, "/chatops/mattermost") { request, _ in
            try await meter.measure(source: "mattermost") { try await chat.receive(.mattermost, request) }
        }
        let api = APIEndpoints(services: services)
        on(.post, "/api/v1/projects/{project}/merge_requests/{iid}/enqueue") { request, context in
            try await api.command(.merge, request, context: context)
        }
        on(.delete, "/api/v1/projects/{project}/merge_requests/{iid}/enqueue") { request, context in
            try await api.command(.cancel, request, context: context)
        }
        on(.post, "/api/v1/projects/{project}/targets/{target}/pause") { request, context in
            try await api.pause(true, request, context: context)
        }
        on(.delete, "/api/v1/projects/{project}/targets/{target}/pause") { request, context in
            try await api.pause(false, request, context: context)
        }
        on(.get, "/api/v1/projects/{project}/events") { request, context in
            try await api.events(request, context: context)
        }
        on(.get, "/api/v1/trains") { request, context in try await api.trains(request, context: context) }
        on(.get, "/api/v1/deliveries") { request, context in try await api.deliveries(request, context: context) }
        on(.get, "/api/v1/quarantine") { request, context in try await api.quarantine(request, context: context) }
        on(.get, "/api/v1/schedules") { request, context in try await api.schedules(request, context: context) }
        on(.post, "/api/v1/schedules") { request, context in try await api.defineSchedule(request, context: context) }
        on(.get, "/api/v1/schedules/{name}") { request, context in try await api.schedule(request, context: context) }
        on(.delete, "/api/v1/schedules/{name}") { request, context in
            try await api.deleteSchedule(request, context: context)
        }
        on(.post, "/api/v1/projects/{project}/merge_requests/{iid}/review_app/{action}") { request, context in
            try await api.reviewAppCommand(request, context: context)
        }
        on(.get, "/api/v1/projects/{project}/review_apps") { request, context in
            try await api.reviewApps(request, context: context)
        }
        on(.get, "/review-apps/files/{file}") { request, context in
            try ScreenshotEndpoint(links: services.screenshots).serve(request, context: context)
        }
        for (verb, action) in [("run", ScheduleCommandEvent.Action.run), ("pause", .pause), ("resume", .resume)] {
            on(.post, "/api/v1/schedules/{name}/\(verb)") { request, context in
                try await api.scheduleCommand(action, request, context: context)
            }
        }
        return router
    }
}

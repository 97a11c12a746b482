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

    public init(
        verifiers: [String: any WebhookVerifier], engine: TrainEngine, store: any EngineStore, apiTokens: [String],
        projects: [ProjectKey], maxAPIBodyBytes: Int = 64 * 1024, chatops: ChatOpsSettings = ChatOpsSettings()
    ) {
        self.chatops = chatops
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
    public static func router(_ services: HTTPServices) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: APIErrorMiddleware())
        // HEAD answers as GET does (load balancers probe with either).
        for method in [HTTPRequest.Method.get, .head] {
            router.on("/healthz", method: method) { _, _ in JSONBody.response(.ok, ["status": "ok"]) }
            router.on("/readyz", method: method) { _, _ in
                _ = try await services.store.recentDeliveries(limit: 1)
                return JSONBody.response(.ok, ["status": "ready"])
            }
        }
        router.post("/webhooks/:forge") { request, context in
            try await WebhookEndpoint(services: services).receive(request, context: context)
        }
        let chat = ChatEndpoint(services: services)
        router.post("/chatops/slack") { request, _ in try await chat.receive(.slack, request) }
        router.post("/chatops/mattermost") { request, _ in try await chat.receive(.mattermost, request) }
        let api = APIEndpoints(services: services)
        router.post("/api/v1/projects/:project/merge_requests/:iid/enqueue") { request, context in
            try await api.command(.merge, request, context: context)
        }
        router.delete("/api/v1/projects/:project/merge_requests/:iid/enqueue") { request, context in
            try await api.command(.cancel, request, context: context)
        }
        router.post("/api/v1/projects/:project/targets/:target/pause") { request, context in
            try await api.pause(true, request, context: context)
        }
        router.delete("/api/v1/projects/:project/targets/:target/pause") { request, context in
            try await api.pause(false, request, context: context)
        }
        router.get("/api/v1/trains") { request, context in try await api.trains(request, context: context) }
        router.get("/api/v1/deliveries") { request, context in try await api.deliveries(request, context: context) }
        router.get("/api/v1/quarantine") { request, context in try await api.quarantine(request, context: context) }
        return router
    }
}

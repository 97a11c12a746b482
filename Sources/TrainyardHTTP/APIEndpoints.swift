import Foundation
import HTTPTypes
import Hummingbird
import TrainyardCore
import TrainyardEngine

/// The REST API under `/api/v1`, authenticated with bearer tokens.
struct APIEndpoints: Sendable {
    let services: HTTPServices

    func authenticate(_ request: Request) throws {
        guard !services.apiTokens.isEmpty else {
            throw APIError(
                .forbidden, "api_disabled",
                "The REST API is off because no API token is configured; add one under `api.tokens`.")
        }
        guard let value = request.headers[.authorization], value.hasPrefix("Bearer ") else {
            throw APIError(
                .unauthorized, "missing_token", "Send an API token as `Authorization: Bearer <token>`.")
        }
        let token = value.dropFirst("Bearer ".count)
        var matched = false
        for candidate in services.apiTokens where ConstantTimeEquality.equals(candidate, token) { matched = true }
        guard matched else {
            throw APIError(.unauthorized, "invalid_token", "The API token is not one of `api.tokens`.")
        }
    }

    /// `POST` (merge) or `DELETE` (cancel) `/api/v1/projects/{project}/merge_requests/{iid}/enqueue`.
    func command(_ command: Command, _ request: Request, context: BasicRequestContext) async throws -> Response {
        try authenticate(request)
        let options = try await EnqueueOptions.read(request, limit: services.maxAPIBodyBytes)
        let project = try resolveProject(request, context: context)
        guard let text = context.parameters.get("iid"), let number = Int(text), number > 0, number < 1 << 31 else {
            throw APIError(.badRequest, "invalid_iid", "The merge request iid must be a positive whole number.")
        }
        let by = request.headers[.trainyardUser].map { "\($0) (API)" } ?? "the REST API"
        let key = request.headers[.idempotencyKey] ?? UUID().uuidString
        guard key.utf8.count <= 200 else {
            throw APIError(.badRequest, "invalid_idempotency_key", "The Idempotency-Key is longer than 200 bytes.")
        }
        let event = CommandEvent(
            project: project, number: number, command: command, by: String(by.prefix(100)), priority: options.priority,
            skipLine: options.skipLine, interruptsCars: options.interrupt ? nil : false)
        return try await accept(Delivery(source: "api", key: key, kind: "API \(command)", event: .command(event)))
    }

    /// Stores an API delivery and answers 202, or 200 for a repeated `Idempotency-Key`.
    func accept(_ delivery: Delivery) async throws -> Response {
        switch try await services.engine.accept(delivery) {
        case .stored(let id):
            return JSONBody.response(.accepted, ["status": "accepted", "delivery": id])
        case .duplicate:
            return JSONBody.response(
                .ok, ["status": "duplicate", "message": "A request with this Idempotency-Key was received before."])
        }
    }

    /// The project named by the `{project}` path parameter (URL-encoded path) and `?forge=`.
    func resolveProject(_ request: Request, context: BasicRequestContext) throws -> ProjectKey {
        let raw = context.parameters.get("project") ?? ""
        let path = raw.removingPercentEncoding ?? raw
        let forge = request.uri.queryParameters.get("forge")
        let matches = services.projects.filter { $0.path == path && (forge == nil || $0.forge == forge) }
        guard let project = matches.first else {
            throw APIError(
                .notFound, "unknown_project",
                "Trainyard manages no project `\(path)`\(forge.map { " on forge `\($0)`" } ?? ""); "
                    + "use the project path URL-encoded, e.g. `group%2Fapp`.")
        }
        guard matches.count == 1 else {
            throw APIError(
                .conflict, "ambiguous_project",
                "`\(path)` is configured on several forges; add `?forge=<name>` to say which.")
        }
        return project
    }

    /// `GET /api/v1/trains`: every train with its queue and cars.
    func trains(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try authenticate(request)
        let now = Date()
        let trains = try await services.store.trains().map { TrainView($0, now: now) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return JSONBody.response(.ok, data: try encoder.encode(["trains": trains]))
    }

    /// `GET /api/v1/deliveries?limit=N`: the newest stored deliveries and what became of them.
    func deliveries(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try authenticate(request)
        return try Self.list("deliveries", try await services.store.recentDeliveries(limit: Self.limit(request)))
    }

    /// `GET /api/v1/quarantine`: stored rows that could not be read and were moved aside, newest
    /// first, with their error and their text as it was.
    func quarantine(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try authenticate(request)
        return try Self.list("quarantine", try await services.store.quarantined(limit: Self.limit(request)))
    }

    /// `?limit=N`, 50 by default, clamped to 1…500 (a value that is not a whole number counts as 50).
    static func limit(_ request: Request) -> Int {
        min(max(request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 50, 1), 500)
    }

    /// `{"<name>": [records]}` with sorted keys.
    static func list<T: Encodable>(_ name: String, _ records: [T]) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return JSONBody.response(.ok, data: try encoder.encode([name: records]))
    }
}

/// Constant-time comparison of API tokens.
enum ConstantTimeEquality {
    static func equals(_ lhs: some StringProtocol, _ rhs: some StringProtocol) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        var difference = a.count ^ b.count
        for index in 0..<max(a.count, b.count) {
            difference |= Int((index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0))
        }
        return difference == 0
    }
}

extension HTTPField.Name {
    static let trainyardUser = HTTPField.Name("X-Trainyard-User")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}

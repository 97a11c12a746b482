import Foundation
import Hummingbird
import TrainyardEngine

/// `POST` (pause) and `DELETE` (resume) `/api/v1/projects/{project}/targets/{target}/pause`.
extension APIEndpoints {
    struct PauseBody: Decodable {
        var reason: String?
    }

    func pause(_ pausing: Bool, _ request: Request, context: BasicRequestContext) async throws -> Response {
        try authenticate(request)
        let body = try await APIBody.collect(request, limit: services.maxAPIBodyBytes)
        var reason = "paused through the REST API"
        if pausing, !body.isEmpty {
            guard let decoded = try? JSONDecoder().decode(PauseBody.self, from: body) else {
                throw APIError(
                    .badRequest, "invalid_body",
                    "The body must be a JSON object such as {\"reason\": \"release freeze\"}.")
            }
            if let text = decoded.reason?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
                reason = String(text.prefix(500))
            }
        }
        let project = try resolveProject(request, context: context)
        let raw = context.parameters.get("target") ?? ""
        let target = raw.removingPercentEncoding ?? raw
        let by = request.headers[.trainyardUser].map { "\($0) (API)" } ?? "the REST API"
        let key = request.headers[.idempotencyKey] ?? UUID().uuidString
        guard key.utf8.count <= 200 else {
            throw APIError(.badRequest, "invalid_idempotency_key", "The Idempotency-Key is longer than 200 bytes.")
        }
        let event = TrainCommandEvent(
            project: project, target: target, action: pausing ? .pause(reason: reason) : .resume,
            by: String(by.prefix(100)))
        return try await accept(
            Delivery(source: "api", key: key, kind: pausing ? "API pause" : "API resume", event: .trainCommand(event)))
    }
}

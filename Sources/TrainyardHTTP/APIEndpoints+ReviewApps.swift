import Foundation
import Hummingbird
import TrainyardCore
import TrainyardEngine

/// `POST /api/v1/projects/{project}/merge_requests/{iid}/review_app/{action}`: deploy, stop, pin
/// or unpin a merge request's review app.
extension APIEndpoints {
    /// `GET /api/v1/projects/{project}/review_apps`.
    func reviewApps(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try authenticate(request)
        let project = try resolveProject(request, context: context)
        guard services.engine.hasReviewApps(project) else {
            throw APIError(
                .conflict, "review_apps_off",
                "Review apps are not configured for \(project.path): add `review_apps:` to the project.")
        }
        guard let state = try await services.store.reviewApps(of: project) else {
            return JSONBody.response(.ok, ["project": project.path, "apps": [String](), "log": [String]()])
        }
        let links = services.screenshots
        let view = ReviewAppsView(project: project.path, state, link: { links?.link($0) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return JSONBody.response(.ok, data: try encoder.encode(view))
    }

    func reviewAppCommand(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try authenticate(request)
        let project = try resolveProject(request, context: context)
        guard let text = context.parameters.get("iid"), let number = Int(text), number > 0, number < 1 << 31 else {
            throw APIError(.badRequest, "invalid_iid", "The merge request iid must be a positive whole number.")
        }
        let word = context.parameters.get("action") ?? ""
        guard let action = ReviewAppCommand(rawValue: word) else {
            throw APIError(
                .badRequest, "unknown_action",
                "`\(word)` is not something a review app does: use deploy, stop, pin or unpin.")
        }
        guard services.engine.hasReviewApps(project) else {
            throw APIError(
                .conflict, "review_apps_off",
                "Review apps are not configured for \(project.path): add `review_apps:` to the project.")
        }
        let by = request.headers[.trainyardUser].map { "\($0) (API)" } ?? "the REST API"
        let key = request.headers[.idempotencyKey] ?? UUID().uuidString
        guard key.utf8.count <= 200 else {
            throw APIError(.badRequest, "invalid_idempotency_key", "The Idempotency-Key is longer than 200 bytes.")
        }
        let event = CommandEvent(
            project: project, number: number, command: .reviewApp(action), by: String(by.prefix(100)))
        return try await accept(
            Delivery(source: "api", key: key, kind: "API review-app \(action.rawValue)", event: .command(event)))
    }
}

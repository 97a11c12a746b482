import Foundation
import Hummingbird
import TrainyardCore
import TrainyardEngine

/// `GET /api/v1/projects/{project}/events`: the decision log of a project's trains, newest first.
extension APIEndpoints {
    /// One decision log entry as the API shows it.
    struct EventView: Encodable {
        let id: Int64
        let at: String
        let target: String
        let kind: String
        let changes: [Int]
        let car: Int?
        let pipeline: Int?
        let reason: String
        let by: String?

        init(_ record: DecisionRecord) {
            id = record.id
            at = TrainView.iso8601(Date(timeIntervalSince1970: Double(record.at.milliseconds) / 1000))
            target = record.target
            kind = record.decision.kind.rawValue
            changes = record.decision.changes
            car = record.decision.car
            pipeline = record.decision.pipeline
            reason = record.decision.reason
            by = record.decision.by
        }
    }

    struct EventPage: Encodable {
        let events: [EventView]
        /// The `before` of the next (older) page; absent on the last page.
        let next: Int64?
    }

    func events(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try authenticate(request)
        let project = try resolveProject(request, context: context)
        let parameters = request.uri.queryParameters
        var query = DecisionQuery(forge: project.forge, project: project.path, limit: Self.limit(request))
        if let target = parameters.get("target") {
            guard !target.isEmpty, target.utf8.count <= 255 else {
                throw APIError(.badRequest, "invalid_target", "`target` must be a branch name of 1 to 255 bytes.")
            }
            query.target = target
        }
        if let change = parameters.get("change") {
            guard let number = Int(change), number > 0 else {
                throw APIError(
                    .badRequest, "invalid_change", "`change` must be a merge request iid (a positive whole number).")
            }
            query.change = number
        }
        if let since = parameters.get("since") {
            guard let date = try? Date(since, strategy: .iso8601) else {
                throw APIError(
                    .badRequest, "invalid_since",
                    "`since` must be an ISO 8601 time in UTC, e.g. `2026-12-05T14:00:00Z`.")
            }
            query.since = Instant(date)
        }
        if let before = parameters.get("before") {
            guard let id = Int64(before), id > 0 else {
                throw APIError(
                    .badRequest, "invalid_cursor", "`before` must be the `next` value of an earlier page.")
            }
            query.before = id
        }
        let records = try await services.store.decisions(query)
        let page = EventPage(
            events: records.map(EventView.init), next: records.count == query.limit ? records.last?.id : nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return JSONBody.response(.ok, data: try encoder.encode(page))
    }
}

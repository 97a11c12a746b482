import Foundation
import Hummingbird
import TrainyardCore
import TrainyardEngine

/// `/api/v1/schedules`: list, run now, pause, resume, and schedules defined through the API.
extension APIEndpoints {
    /// `GET /api/v1/schedules[?project=group/app]`.
    func schedules(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try authenticate(request)
        let project = request.uri.queryParameters.get("project").map { String($0) }
        let now = Self.now()
        let views = try await services.allSchedules().filter { project == nil || $0.definition.project == project }
            .map { ScheduleView($0, now: now) }
        return try Self.list("schedules", views)
    }

    /// `GET /api/v1/schedules/{name}`.
    func schedule(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try authenticate(request)
        let schedule = try await named(context)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return JSONBody.response(.ok, data: try encoder.encode(ScheduleView(schedule, now: Self.now())))
    }

    /// `POST /api/v1/schedules/{name}/run`, `/pause` and `/resume`.
    func scheduleCommand(
        _ action: ScheduleCommandEvent.Action, _ request: Request, context: BasicRequestContext
    ) async throws -> Response {
        try authenticate(request)
        let schedule = try await named(context)
        return try await accept(
            ScheduleCommandEvent(name: schedule.name, action: action, by: Self.caller(request)), request)
    }

    /// `POST /api/v1/schedules`: defines (or replaces) a schedule kept in the store.
    func defineSchedule(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try authenticate(request)
        let body = try await APIBody.collect(request, limit: services.maxAPIBodyBytes)
        let input: ScheduleInput
        do {
            input = try JSONDecoder().decode(ScheduleInput.self, from: body)
        } catch {
            throw APIError(
                .badRequest, "invalid_body",
                "The body must be a JSON object with name, project, ref, cron and time_zone "
                    + "(and optionally forge, variables, missed, jitter_minutes, active, description): \(Self.reason(error))"
            )
        }
        if services.engine.configuredSchedules.contains(where: { $0.name == input.name }) {
            throw APIError(
                .conflict, "schedule_in_configuration",
                "Schedule `\(input.name)` is defined in the configuration; change it there.")
        }
        let definition = try input.definition(forges: Array(services.verifiers.keys), projects: services.projects)
        let problems = definition.problems
        if !problems.isEmpty {
            throw APIError(
                .badRequest, "invalid_schedule",
                problems.map { "\($0.key): \($0.message)" }.joined(separator: "; "))
        }
        return try await accept(
            ScheduleCommandEvent(name: definition.name, action: .define(definition), by: Self.caller(request)), request)
    }

    /// `DELETE /api/v1/schedules/{name}`: removes a schedule defined through the API.
    func deleteSchedule(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try authenticate(request)
        let schedule = try await named(context)
        guard schedule.definition.origin == .api else {
            throw APIError(
                .conflict, "schedule_in_configuration",
                "Schedule `\(schedule.name)` is defined in the configuration; remove it there.")
        }
        return try await accept(
            ScheduleCommandEvent(name: schedule.name, action: .delete, by: Self.caller(request)), request)
    }

    private func named(_ context: BasicRequestContext) async throws -> Schedule {
        let raw = context.parameters.get("name") ?? ""
        let name = raw.removingPercentEncoding ?? raw
        guard let schedule = try await services.allSchedules().first(where: { $0.name == name }) else {
            throw APIError(
                .notFound, "unknown_schedule", "There is no schedule named `\(name)`; GET /api/v1/schedules lists them."
            )
        }
        return schedule
    }

    private func accept(_ event: ScheduleCommandEvent, _ request: Request) async throws -> Response {
        let key = request.headers[.idempotencyKey] ?? UUID().uuidString
        guard key.utf8.count <= 200 else {
            throw APIError(.badRequest, "invalid_idempotency_key", "The Idempotency-Key is longer than 200 bytes.")
        }
        return try await accept(
            Delivery(source: "api", key: key, kind: "API schedule", event: .scheduleCommand(event)))
    }

    static func caller(_ request: Request) -> String {
        String((request.headers[.trainyardUser].map { "\($0) (API)" } ?? "the REST API").prefix(100))
    }

    static func now() -> Instant { Instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)) }

    static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "`\(key.stringValue)` is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "`\(context.codingPath.map(\.stringValue).joined(separator: "."))` has the wrong type"
        default: return "it is not valid JSON"
        }
    }
}

/// The body of `POST /api/v1/schedules`, with the configuration's key names.
struct ScheduleInput: Decodable {
    let name: String
    let forge: String?
    let project: String
    let ref: String
    let cron: String
    let time_zone: String?
    let variables: [String: String]?
    let missed: String?
    let jitter_minutes: Int?
    let active: Bool?
    let description: String?

    func definition(forges: [String], projects: [ProjectKey]) throws -> ScheduleDefinition {
        let forge: String
        if let given = self.forge {
            guard forges.contains(given) else {
                throw APIError(.badRequest, "unknown_forge", "There is no forge named `\(given)`.")
            }
            forge = given
        } else {
            let configured = Set(projects.filter { $0.path == project }.map(\.forge))
            if configured.count == 1, let only = configured.first {
                forge = only
            } else if configured.isEmpty, forges.count == 1, let only = forges.first {
                forge = only
            } else {
                throw APIError(.badRequest, "unknown_forge", "Say which forge `\(project)` is on with `forge`.")
            }
        }
        guard let policy = ScheduleDefinition.Missed(rawValue: missed ?? "skip") else {
            throw APIError(.badRequest, "invalid_schedule", "missed: expected `skip` or `once`, got `\(missed ?? "")`")
        }
        return ScheduleDefinition(
            name: name, forge: forge, project: project, ref: ref, cron: cron, timeZone: time_zone ?? "UTC",
            variables: variables ?? [:], active: active ?? true, description: description ?? "", missed: policy,
            jitterMinutes: jitter_minutes ?? 0, origin: .api)
    }
}

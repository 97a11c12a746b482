import Foundation
import TrainyardCore
import TrainyardEngine

/// Pipelines for schedules: created on a ref with variables, with the service's token, so that no
/// person owns them.
extension GitLabClient: SchedulingForge {
    private struct Created: Decodable {
        let id: Int
        let status: String?
        let web_url: String?
    }

    private struct Variable: Codable {
        let key: String
        let value: String
    }

    /// `POST /projects/:id/pipeline` with `ref` and `variables`. With `searchEarlier`, the newest
    /// API pipelines on `ref` are read first, and one whose ``ScheduleDefinition/slotVariable``
    /// matches is taken instead of creating another.
    public func createScheduledPipeline(
        project: ProjectSettings, ref: String, variables: [String: String], searchEarlier: Bool
    ) async throws -> ScheduledPipeline {
        try await createPipeline(
            project: project, ref: ref, variables: variables,
            markers: [ScheduleDefinition.scheduleVariable, ScheduleDefinition.slotVariable],
            searchEarlier: searchEarlier)
    }

    /// `POST /projects/:id/pipeline` with `variables`; with `searchEarlier`, an API pipeline on
    /// `ref` whose variables `markers` all have this call's values is taken instead. (A slot time
    /// alone is not enough: two schedules firing in the same minute share it.)
    func createPipeline(
        project: ProjectSettings, ref: String, variables: [String: String], markers: [String],
        searchEarlier: Bool
    ) async throws -> ScheduledPipeline {
        let id = try await projectID(project)
        let wanted = markers.map { ($0, variables[$0]) }
        if searchEarlier, !markers.isEmpty, wanted.allSatisfy({ $0.1 != nil }) {
            let earlier: [Created] = try decode(
                try await send(
                    "GET", "projects/\(id)/pipelines",
                    query: ["ref": ref, "source": "api", "order_by": "id", "sort": "desc", "per_page": "20"]))
            for candidate in earlier {
                let set: [Variable] = try decode(
                    try await send("GET", "projects/\(id)/pipelines/\(candidate.id)/variables"))
                if wanted.allSatisfy({ key, value in set.contains { $0.key == key && $0.value == value } }) {
                    logger.info(
                        "pipeline created by an earlier try",
                        metadata: ["ref": "\(ref)", "pipeline": "\(candidate.id)"])
                    return ScheduledPipeline(
                        id: candidate.id, webURL: candidate.web_url, status: candidate.status ?? "created")
                }
            }
        }
        struct Body: Encodable {
            let ref: String
            let variables: [Variable]
        }
        let body = try JSONEncoder().encode(
            Body(
                ref: ref, variables: variables.sorted { $0.key < $1.key }.map { Variable(key: $0.key, value: $0.value) }
            ))
        try await CreationGuard.verify()
        let created: Created = try decode(
            try await send("POST", "projects/\(id)/pipeline", body: body, creates: true))
        return ScheduledPipeline(id: created.id, webURL: created.web_url, status: created.status ?? "created")
    }
}

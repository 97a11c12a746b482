import Foundation
import TrainyardCore
import TrainyardEngine

/// What review apps need of GitLab: deploy and stop pipelines, the review environments, open
/// merge requests, the one note per merge request (edited in place) and a named commit status.
extension GitLabClient: ReviewAppForge {
    public func createReviewPipeline(
        project: ProjectSettings, ref: String, variables: [String: String], searchEarlier: Bool
    ) async throws -> ScheduledPipeline {
        try await createPipeline(
            project: project, ref: ref, variables: variables,
            markers: [ReviewAppVariables.slug, ReviewAppVariables.attempt],
            searchEarlier: searchEarlier)
    }

    private struct Environment: Decodable {
        let id: Int
        let name: String
        let state: String?
    }

    /// `GET /projects/:id/environments?states=available&search=PREFIX`, every page.
    public func availableEnvironments(project: ProjectSettings, prefix: String) async throws -> [String] {
        let id = try await projectID(project)
        var names: [String] = []
        for page in 1...50 {
            let batch: [Environment] = try decode(
                try await send(
                    "GET", "projects/\(id)/environments",
                    query: ["states": "available", "search": prefix, "per_page": "100", "page": String(page)]))
            names += batch.filter { $0.name.hasPrefix(prefix) && ($0.state ?? "available") == "available" }.map(\.name)
            if batch.count < 100 { break }
        }
        return names
    }

    public func environmentURL(project: ProjectSettings, name: String) async throws -> String? {
        struct Found: Decodable {
            let name: String
            let external_url: String?
        }
        let id = try await projectID(project)
        let found: [Found] = try decode(try await send("GET", "projects/\(id)/environments", query: ["name": name]))
        return found.first { $0.name == name }?.external_url
    }

    /// Finds the environment by name, then `POST /projects/:id/environments/:environment_id/stop`
    /// (which runs its stop job, if it has one).
    public func stopEnvironment(project: ProjectSettings, name: String) async throws {
        let id = try await projectID(project)
        let found: [Environment] = try decode(
            try await send("GET", "projects/\(id)/environments", query: ["name": name]))
        guard let environment = found.first(where: { $0.name == name }) else { return }
        _ = try await send("POST", "projects/\(id)/environments/\(environment.id)/stop")
    }

    /// `GET /projects/:id/merge_requests?state=opened`, every page.
    public func openMergeRequests(project: ProjectSettings) async throws -> Set<Int> {
        struct Request: Decodable { let iid: Int }
        let id = try await projectID(project)
        var open: Set<Int> = []
        for page in 1...100 {
            let batch: [Request] = try decode(
                try await send(
                    "GET", "projects/\(id)/merge_requests",
                    query: ["state": "opened", "per_page": "100", "page": String(page)]))
            open.formUnion(batch.map(\.iid))
            if batch.count < 100 { break }
        }
        return open
    }

    /// Edits the note that carries `key`'s marker (`PUT …/notes/:note_id`), or posts it.
    public func upsertNote(project: ProjectSettings, number: Int, key: String, body: String) async throws {
        struct Note: Decodable {
            let id: Int
            let body: String
        }
        let id = try await projectID(project)
        let marker = Self.noteMarker(key)
        let text = body + "\n\n" + marker
        for page in 1...20 {
            let notes: [Note] = try decode(
                try await send(
                    "GET", "projects/\(id)/merge_requests/\(number)/notes",
                    query: ["sort": "asc", "order_by": "created_at", "per_page": "100", "page": String(page)]))
            if let note = notes.first(where: { $0.body.contains(marker) }) {
                guard note.body != text else { return }
                _ = try await send(
                    "PUT", "projects/\(id)/merge_requests/\(number)/notes/\(note.id)", json: ["body": text])
                return
            }
            if notes.count < 100 { break }
        }
        try await CreationGuard.verify()
        _ = try await send("POST", "projects/\(id)/merge_requests/\(number)/notes", json: ["body": text], creates: true)
    }

    public func setStatus(project: ProjectSettings, sha: SHA, name: String, state: CommitState, description: String)
        async throws
    {
        let id = try await projectID(project)
        let fields = ["state": state.rawValue, "name": name, "description": String(description.prefix(255))]
        do {
            _ = try await send("POST", "projects/\(id)/statuses/\(sha.value)", json: fields)
        } catch let error as GitLabError where error.status == 400 && error.message.contains("Cannot transition status")
        {
            logger.debug("status already in that state", metadata: ["sha": "\(sha.short)", "state": "\(state)"])
        }
    }
}

import Foundation
import TrainyardCore
import TrainyardEngine

/// GitHub's repository webhooks API (`/repos/{owner}/{repo}/hooks`).
extension GitHubClient: WebhookRegistrar {
    public func trainyardEvents(deployments: Bool) -> Set<String> {
        [
            "pull_request", "pull_request_review", "issue_comment", "push", "check_run", "check_suite", "status",
            "workflow_run",
        ]
    }

    public func hooks(project: ProjectSettings) async throws -> [RegisteredHook] {
        struct Hook: Decodable {
            struct Config: Decodable { let url: String? }
            let id: Int
            let active: Bool
            let events: [String]
            let config: Config
        }
        struct Delivery: Decodable {
            let status_code: Int
            let event: String
            let delivered_at: String?
        }
        let repository = project.key.path
        let hooks: [Hook] = try decode(
            try await send("GET", "repos/\(repository)/hooks", repository: repository, query: ["per_page": "100"]),
            "the webhooks of \(repository)")
        var registered: [RegisteredHook] = []
        for hook in hooks {
            guard let url = hook.config.url else { continue }
            let deliveries: [Delivery] = try decode(
                try await send(
                    "GET", "repos/\(repository)/hooks/\(hook.id)/deliveries", repository: repository,
                    query: ["per_page": "30"]), "the deliveries of webhook \(hook.id)")
            let failures = deliveries.filter { $0.status_code >= 400 || $0.status_code == 0 }.map {
                "\($0.status_code) \($0.event)" + ($0.delivered_at.map { " at \($0)" } ?? "")
            }
            registered.append(
                RegisteredHook(id: hook.id, url: url, events: Set(hook.events), active: hook.active, failures: failures)
            )
        }
        return registered
    }

    public func saveHook(
        project: ProjectSettings, id: Int?, url: String, events: Set<String>, secret: String
    ) async throws {
        let repository = project.key.path
        var fields: [String: Any] = [
            "active": true, "events": events.sorted(),
            "config": ["url": url, "content_type": "json", "secret": secret, "insecure_ssl": "0"],
        ]
        if let id {
            _ = try await send(
                "PATCH", "repos/\(repository)/hooks/\(id)", repository: repository, json: try Self.json(fields))
        } else {
            fields["name"] = "web"
            _ = try await send(
                "POST", "repos/\(repository)/hooks", repository: repository, json: try Self.json(fields), creates: true)
        }
    }
}

import Foundation
import TrainyardCore
import TrainyardEngine

/// GitLab's project hooks API (`/projects/:id/hooks`).
extension GitLabClient: WebhookRegistrar {
    /// The event flags a project hook has; those Trainyard does not read are turned off.
    static let hookEventFlags: Set<String> = [
        "push_events", "issues_events", "confidential_issues_events", "merge_requests_events", "tag_push_events",
        "note_events", "confidential_note_events", "job_events", "pipeline_events", "wiki_page_events",
        "deployment_events", "releases_events",
    ]

    public func trainyardEvents(deployments: Bool) -> Set<String> {
        var events: Set<String> = ["merge_requests_events", "note_events", "push_events", "pipeline_events"]
        if deployments { events.insert("deployment_events") }
        return events
    }

    public func hooks(project: ProjectSettings) async throws -> [RegisteredHook] {
        let id = try await projectID(project)
        let data = try await send("GET", "projects/\(id)/hooks", query: ["per_page": "100"])
        guard let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw PermanentError("GitLab's list of hooks could not be read")
        }
        var registered: [RegisteredHook] = []
        for hook in list {
            guard let hookID = hook["id"] as? Int, let url = hook["url"] as? String else { continue }
            let events = Set(Self.hookEventFlags.filter { hook[$0] as? Bool == true })
            let status = hook["alert_status"] as? String ?? "executable"
            registered.append(
                RegisteredHook(
                    id: hookID, url: url, events: events, active: status == "executable",
                    failures: try await failedEvents(projectID: id, hookID: hookID)))
        }
        return registered
    }

    /// The hook's failed deliveries among its last 30 of the last seven days (`500 merge_request_hooks`),
    /// from `GET …/hooks/:hook_id/events`; none on a GitLab older than 17.3, which has no such list.
    func failedEvents(projectID id: Int, hookID: Int) async throws -> [String] {
        struct Event: Decodable {
            let trigger: String?
            let response_status: String?
        }
        do {
            let events: [Event] = try decode(
                try await send("GET", "projects/\(id)/hooks/\(hookID)/events", query: ["per_page": "30"]))
            // A request that never got an answer shows `internal error`, which no status filter matches.
            return events.filter { !(200..<300).contains(Int($0.response_status ?? "") ?? 0) }
                .map { "\($0.response_status ?? "no answer") \($0.trigger ?? "event")" }
        } catch let error as PermanentError where error.description.contains("answered 404") {
            return []
        }
    }

    public func saveHook(
        project: ProjectSettings, id hookID: Int?, url: String, events: Set<String>, secret: String
    ) async throws {
        let id = try await projectID(project)
        var fields: [String: Any] = ["url": url, "token": secret, "enable_ssl_verification": true]
        for flag in Self.hookEventFlags { fields[flag] = events.contains(flag) }
        let body = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        if let hookID {
            _ = try await send("PUT", "projects/\(id)/hooks/\(hookID)", body: body)
        } else {
            _ = try await send("POST", "projects/\(id)/hooks", body: body, creates: true)
        }
    }
}

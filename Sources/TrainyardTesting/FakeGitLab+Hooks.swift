import Foundation

/// The project hooks API (`/projects/:id/hooks`), as GitLab answers it: the token is never shown,
/// each event is a `*_events` flag (`push_events` is on unless turned off), and a hook GitLab
/// disabled after failing shows it in `alert_status`.
extension FakeGitLab {
    /// GitLab's event flag for each delivery's `X-Gitlab-Event`.
    static let hookFlags = [
        "Merge Request Hook": "merge_requests_events", "Note Hook": "note_events", "Push Hook": "push_events",
        "Pipeline Hook": "pipeline_events", "Deployment Hook": "deployment_events", "Job Hook": "job_events",
        "Tag Push Hook": "tag_push_events", "Issue Hook": "issues_events",
    ]

    /// The event flags a hook of the API knows.
    static let allHookFlags = Set(hookFlags.values).union(["confidential_note_events", "wiki_page_events"])

    func hookJSON(_ hook: FakeProjectState.Webhook) -> JSON {
        var fields: [JSON.Field] = [
            .init(key: "id", value: .int(hook.id)),
            .init(key: "url", value: .string(hook.url.absoluteString)),
            .init(key: "enable_ssl_verification", value: .bool(hook.enableSSLVerification)),
            .init(key: "alert_status", value: .string(hook.alertStatus)),
        ]
        for flag in Self.allHookFlags.sorted() {
            fields.append(.init(key: flag, value: .bool(hook.events?.contains(flag) ?? true)))
        }
        return .object(fields)
    }

    /// Creates a hook (`hookID` nil) or changes one from the request's parameters.
    func saveHook(projectID: Int, hookID: Int?, _ parameters: [String: String]) throws -> FakeProjectState.Webhook {
        var hook: FakeProjectState.Webhook
        var index: Int?
        if let hookID {
            guard let found = projects[projectID]?.webhooks.firstIndex(where: { $0.id == hookID }) else {
                throw APIError.notFound("Hook")
            }
            index = found
            hook = projects[projectID]!.webhooks[found]
        } else {
            guard let text = parameters["url"], let url = URL(string: text), url.scheme != nil else {
                throw APIError.missing("url")
            }
            hook = .init(
                url: url, token: "", uuid: UUID().uuidString.lowercased(), id: nextHookID, events: ["push_events"])
            nextHookID += 1
        }
        if let text = parameters["url"], let url = URL(string: text) { hook.url = url }
        if let token = parameters["token"] { hook.token = token }
        if let verify = parameters["enable_ssl_verification"] { hook.enableSSLVerification = verify == "true" }
        var events = hook.events ?? Self.allHookFlags
        for flag in Self.allHookFlags {
            if parameters[flag] == "true" { events.insert(flag) }
            if parameters[flag] == "false" { events.remove(flag) }
        }
        hook.events = events
        // A hook that is saved again is enabled again, as GitLab does after a successful test.
        hook.alertStatus = "executable"
        if let index { projects[projectID]!.webhooks[index] = hook } else { projects[projectID]!.webhooks.append(hook) }
        return hook
    }

    /// The hook's recent deliveries, newest first, as `GET …/hooks/:hook_id/events` shows them:
    /// `response_status` is the receiver's status as text, or `internal error` when the request
    /// failed; `status` filters by code or by `successful`, `client_failure` or `server_failure`.
    func hookEvents(_ hook: FakeProjectState.Webhook, status: String?) -> [JSON] {
        func matches(_ code: Int?) -> Bool {
            switch status {
            case nil: true
            case "successful": (200..<300).contains(code ?? 0)
            case "client_failure": (400..<500).contains(code ?? 0)
            case "server_failure": (500..<600).contains(code ?? 0)
            case let text?: Int(text) == code
            }
        }
        return deliveryLog.reversed()
            .filter { $0.webhookUUID == hook.uuid && matches($0.statusCode) }
            .map { delivery in
                // GitLab names the trigger after the event header: `Merge Request Hook` is `merge_request_hooks`.
                let trigger = delivery.event.lowercased().replacingOccurrences(of: " ", with: "_") + "s"
                return .object([
                    .init(key: "id", value: .int(delivery.sequence)),
                    .init(key: "url", value: .string(delivery.url.absoluteString)),
                    .init(key: "trigger", value: .string(trigger)),
                    .init(
                        key: "response_status", value: .string(delivery.statusCode.map(String.init) ?? "internal error")
                    ),
                ])
            }
    }

    /// Marks the project's hooks as GitLab does after they failed too often (`disabled`).
    public func disableWebhooks(project: String) {
        guard let id = projectID(path: project), let hooks = projects[id]?.webhooks else { return }
        projects[id]!.webhooks = hooks.map {
            var hook = $0
            hook.alertStatus = "disabled"
            return hook
        }
    }

    /// The project's hooks: URL, the event flags that are on, and whether they run.
    public func webhooks(project: String) -> [(url: String, events: Set<String>, active: Bool)] {
        guard let id = projectID(path: project) else { return [] }
        return (projects[id]?.webhooks ?? []).map {
            ($0.url.absoluteString, $0.events ?? Self.allHookFlags, $0.alertStatus == "executable")
        }
    }
}

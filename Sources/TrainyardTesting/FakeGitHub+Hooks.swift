import Foundation

/// The repository webhooks API (`/repos/{owner}/{repo}/hooks`), as GitHub answers it: the secret
/// is never shown (`********`), `content_type` defaults to `form` and `events` to `["push"]`.
extension FakeGitHub {
    struct HookBody: Decodable {
        struct Config: Decodable {
            let url: String?
            let content_type: String?
            let secret: String?
            let insecure_ssl: String?
        }
        let name: String?
        let config: Config?
        let events: [String]?
        let add_events: [String]?
        let remove_events: [String]?
        let active: Bool?
    }

    func answerHooks(_ method: String, repository: String, rest: [String], body: Data) -> FakeHTTPResponse {
        let parsed = body.isEmpty ? nil : try? JSONDecoder().decode(HookBody.self, from: body)
        if !body.isEmpty, parsed == nil, method != "GET", method != "DELETE" {
            return .json(400, ["message": "Problems parsing JSON"])
        }
        switch (method, rest.count) {
        case ("GET", 0):
            return .json(200, .array(webhooks(of: repository).map { hookJSON($0, repository) }))
        case ("POST", 0):
            guard let url = parsed?.config?.url, !url.isEmpty else {
                return Self.validationFailed("url cannot be blank")
            }
            if webhooks(of: repository).contains(where: { $0.url == url }) {
                return Self.validationFailed("Hook already exists on this repository")
            }
            let id = addHook(
                repository: repository, url: url, events: parsed?.events ?? ["push"], secret: parsed?.config?.secret,
                active: parsed?.active ?? true, contentType: parsed?.config?.content_type ?? "form")
            return .json(201, hookJSON(webhooks(of: repository).first { $0.id == id }!, repository))
        default:
            break
        }
        guard let id = rest.first.flatMap(Int.init),
            let index = hooks[repository]?.firstIndex(where: { $0.id == id })
        else { return Self.notFound }
        switch (method, rest.count) {
        case ("GET", 1):
            return .json(200, hookJSON(hooks[repository]![index], repository))
        case ("PATCH", 1):
            var hook = hooks[repository]![index]
            if let config = parsed?.config {
                if let url = config.url { hook.url = url }
                if let type = config.content_type { hook.contentType = type }
                if let secret = config.secret { hook.secret = secret.isEmpty ? nil : secret }
            }
            if let events = parsed?.events { hook.events = events }
            hook.events += (parsed?.add_events ?? []).filter { !hook.events.contains($0) }
            hook.events.removeAll { (parsed?.remove_events ?? []).contains($0) }
            if let active = parsed?.active { hook.active = active }
            hooks[repository]![index] = hook
            return .json(200, hookJSON(hook, repository))
        case ("DELETE", 1):
            hooks[repository]!.remove(at: index)
            return FakeHTTPResponse(status: 204, body: Data())
        case ("GET", 2) where rest[1] == "deliveries":
            let hook = hooks[repository]![index]
            let failed = (0..<hook.failedDeliveries).map { number -> JSON in
                [
                    "id": .int(9000 + number), "guid": .string(UUID().uuidString.lowercased()),
                    "delivered_at": .string(ISO8601DateFormatter().string(from: now)), "redelivery": false,
                    "duration": .double(10.0), "status": "Invalid HTTP Response: 500", "status_code": 500,
                    "event": "pull_request", "action": "synchronize",
                ]
            }
            return .json(200, .array(failed))
        default:
            return Self.notFound
        }
    }

    static func validationFailed(_ message: String) -> FakeHTTPResponse {
        .json(
            422,
            [
                "message": "Validation Failed",
                "errors": [["resource": "Hook", "code": "custom", "message": .string(message)]],
                "documentation_url": "https://docs.github.com/rest/repos/webhooks#create-a-repository-webhook",
            ])
    }

    func hookJSON(_ hook: Hook, _ repository: String) -> JSON {
        let base = baseURL.absoluteString + "/repos/\(repository)/hooks/\(hook.id)"
        var config: [JSON.Field] = [
            .init(key: "content_type", value: .string(hook.contentType)), .init(key: "insecure_ssl", value: "0"),
            .init(key: "url", value: .string(hook.url)),
        ]
        if hook.secret != nil { config.append(.init(key: "secret", value: "********")) }
        let failed = hook.failedDeliveries > 0
        return [
            "type": "Repository", "id": .int(hook.id), "name": "web", "active": .bool(hook.active),
            "events": JSON(hook.events), "config": .object(config),
            "updated_at": .string(ISO8601DateFormatter().string(from: now)),
            "created_at": .string(ISO8601DateFormatter().string(from: now)), "url": .string(base),
            "test_url": .string(base + "/test"), "ping_url": .string(base + "/pings"),
            "deliveries_url": .string(base + "/deliveries"),
            "last_response": [
                "code": failed ? 500 : nil, "status": failed ? "failed" : "unused",
                "message": failed ? "Invalid HTTP Response: 500" : nil,
            ],
        ]
    }
}

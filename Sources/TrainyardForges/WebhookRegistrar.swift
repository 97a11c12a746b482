import Foundation
import TrainyardEngine

/// A project webhook as the forge shows it.
public struct RegisteredHook: Hashable, Sendable {
    public var id: Int
    public var url: String
    /// The events it sends, in the forge's words (`merge_requests_events`, `pull_request`).
    public var events: Set<String>
    /// Whether it sends at all (GitHub's `active`; GitLab disables a hook that kept failing).
    public var active: Bool
    /// Recent deliveries that failed, where the forge shows them (`500 pull_request`).
    public var failures: [String]

    public init(id: Int, url: String, events: Set<String>, active: Bool, failures: [String] = []) {
        self.id = id
        self.url = url
        self.events = events
        self.active = active
        self.failures = failures
    }
}

/// The project webhooks API of a forge, for `trainyard webhook register`.
public protocol WebhookRegistrar: Sendable {
    /// The events Trainyard reads, in the forge's words; `deployments` adds GitLab's deployment
    /// events, which review apps read.
    func trainyardEvents(deployments: Bool) -> Set<String>
    func hooks(project: ProjectSettings) async throws -> [RegisteredHook]
    /// Creates a hook (`id` nil) or changes one so that it sends exactly `events` to `url`,
    /// signed with `secret`, and is active.
    func saveHook(project: ProjectSettings, id: Int?, url: String, events: Set<String>, secret: String) async throws
}

/// What differs between the hook a project has and the one Trainyard needs. Pure, so every case
/// is tested without a forge.
public struct WebhookDrift: Hashable, Sendable {
    /// The hook at the URL, if there is one.
    public var hook: RegisteredHook?
    /// One line per difference; empty when the hook is as it should be.
    public var problems: [String]

    public init(hooks: [RegisteredHook], url: String, events: Set<String>) {
        let normalized = Self.normalize(url)
        hook = hooks.first { Self.normalize($0.url) == normalized }
        guard let hook else {
            let others = hooks.map(\.url).sorted()
            problems = [
                "no webhook sends to \(url)"
                    + (others.isEmpty ? "" : " (the project's webhooks send to \(others.joined(separator: ", ")))")
            ]
            return
        }
        var problems: [String] = []
        let missing = events.subtracting(hook.events).sorted()
        let extra = hook.events.subtracting(events).sorted()
        if !missing.isEmpty { problems.append("missing events: \(missing.joined(separator: ", "))") }
        if !extra.isEmpty {
            problems.append("events Trainyard does not read: \(extra.joined(separator: ", "))")
        }
        if !hook.active { problems.append("the webhook is disabled") }
        if !hook.failures.isEmpty {
            problems.append(
                "\(hook.failures.count) recent deliveries failed: "
                    + hook.failures.prefix(5).joined(separator: "; "))
        }
        self.problems = problems
    }

    /// Whether saving the hook would change it (failed deliveries are not changed by saving).
    public var needsSaving: Bool {
        guard let hook else { return true }
        return problems.contains { !$0.contains("recent deliveries failed") } || !hook.active
    }

    static func normalize(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}

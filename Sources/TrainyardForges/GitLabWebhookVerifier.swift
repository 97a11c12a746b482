import Foundation
import TrainyardCore
import TrainyardEngine

/// Verifies GitLab webhook deliveries (`X-Gitlab-Token`, compared in constant time) and decodes
/// the events Trainyard acts on: Merge Request, Note (on merge requests), Push and Pipeline hooks.
/// Every other event is accepted and recorded as ignored.
public struct GitLabWebhookVerifier: WebhookVerifier {
    /// The configured forge name, e.g. `gitlab`.
    public let forge: String
    let secret: String
    public let maxBodyBytes: Int

    public init(forge: String, secret: String, maxBodyBytes: Int = 5 * 1024 * 1024) {
        self.forge = forge
        self.secret = secret
        self.maxBodyBytes = maxBodyBytes
    }

    public func authenticate(header: (String) -> String?) throws(IntakeError) {
        guard let token = header("X-Gitlab-Token") else {
            throw IntakeError(
                status: 401, code: "missing_token",
                message: "The X-Gitlab-Token header is missing. Set the webhook's secret token in GitLab to the "
                    + "`webhook_secret` of forge `\(forge)` in Trainyard's configuration.")
        }
        guard ConstantTime.equals(token, secret) else {
            throw IntakeError(
                status: 401, code: "invalid_token",
                message: "The X-Gitlab-Token header does not match the `webhook_secret` of forge `\(forge)`. "
                    + "Set the same secret in GitLab's webhook settings and in Trainyard's configuration.")
        }
    }

    public func decode(header: (String) -> String?, body: Data) throws(IntakeError) -> Delivery {
        guard let kind = header("X-Gitlab-Event"), !kind.isEmpty else {
            throw IntakeError(
                status: 400, code: "missing_event",
                message: "The X-Gitlab-Event header is missing; Trainyard cannot tell what the delivery is.")
        }
        guard kind.utf8.count <= 100 else {
            throw IntakeError(
                status: 400, code: "invalid_event",
                message: "The X-Gitlab-Event header is longer than 100 bytes; GitLab's event names are short, "
                    + "such as `Merge Request Hook`.")
        }
        let key =
            header("Idempotency-Key") ?? header("X-Gitlab-Event-UUID").map { uuid in
                header("X-Gitlab-Webhook-UUID").map { "\(uuid)/\($0)" } ?? uuid
            } ?? "body-" + Fingerprint.hex(of: body)
        guard key.utf8.count <= 200 else {
            throw IntakeError(
                status: 400, code: "invalid_delivery_id", message: "The delivery id is longer than 200 bytes.")
        }
        let event = try Self.event(kind: kind, body: body, forge: forge)
        // A comment is keyed by its id, so that the reconciler's replay of it is a duplicate.
        if case .comment(let comment) = event, let id = comment.commentID {
            return Delivery(source: forge, key: CommentSnapshot.deliveryKey(id), kind: kind, event: event)
        }
        return Delivery(source: forge, key: key, kind: kind, event: event)
    }

    static func event(kind: String, body data: Data, forge: String) throws(IntakeError) -> ForgeEvent {
        switch kind {
        case "Merge Request Hook":
            let hook = try WebhookDecoding.parse(GitLabPayload.MergeRequestHook.self, data, kind)
            let attributes = hook.object_attributes
            let action = MergeRequestEvent.Action(rawValue: attributes.action ?? "") ?? .other
            return .mergeRequest(
                MergeRequestEvent(
                    project: ProjectKey(forge: forge, path: hook.project.path_with_namespace),
                    number: attributes.iid, action: action,
                    head: try WebhookDecoding.sha(attributes.last_commit.id, "last_commit.id"),
                    target: attributes.target_branch, state: attributes.state))
        case "Note Hook":
            let hook = try WebhookDecoding.parse(GitLabPayload.NoteHook.self, data, kind)
            guard hook.object_attributes.noteable_type == "MergeRequest", let mergeRequest = hook.merge_request else {
                return .ignored(kind: "\(kind) on \(hook.object_attributes.noteable_type.prefix(100))")
            }
            if let action = hook.object_attributes.action, action != "create" {
                return .ignored(kind: "\(kind) (\(action.prefix(100))): only new comments give commands")
            }
            return .comment(
                CommentEvent(
                    project: ProjectKey(forge: forge, path: hook.project.path_with_namespace),
                    number: mergeRequest.iid, author: hook.user.username, authorID: hook.user.id,
                    body: hook.object_attributes.note, target: mergeRequest.target_branch,
                    commentID: hook.object_attributes.id))
        case "Push Hook":
            let hook = try WebhookDecoding.parse(GitLabPayload.PushHook.self, data, kind)
            guard hook.ref.hasPrefix("refs/heads/") else {
                return .ignored(kind: "\(kind) for \(hook.ref.prefix(200))")
            }
            let after = hook.after.allSatisfy { $0 == "0" } ? nil : try WebhookDecoding.sha(hook.after, "after")
            return .push(
                PushEvent(
                    project: ProjectKey(forge: forge, path: hook.project.path_with_namespace),
                    branch: String(hook.ref.dropFirst("refs/heads/".count)), after: after))
        case "Deployment Hook":
            // Every field is optional, so the whole body is checked first (the decoder skips
            // what it does not read, bad text included).
            guard JSONSyntax.isValid(data) else {
                throw IntakeError(status: 400, code: "malformed_json", message: "The body of the \(kind) is not JSON.")
            }
            let hook = try WebhookDecoding.parse(GitLabPayload.DeploymentHook.self, data, kind)
            guard let environment = hook.environment, let status = hook.status,
                let path = hook.project?.path_with_namespace
            else { return .ignored(kind: "\(kind) without an environment") }
            return .deployment(
                DeploymentEvent(
                    project: ProjectKey(forge: forge, path: path), environment: String(environment.prefix(255)),
                    status: status, externalURL: hook.environment_external_url.map { String($0.prefix(2000)) }))
        case "Pipeline Hook":
            let hook = try WebhookDecoding.parse(GitLabPayload.PipelineHook.self, data, kind)
            let attributes = hook.object_attributes
            if attributes.tag == true { return .ignored(kind: "\(kind) for a tag") }
            var event = PipelineEvent(
                project: ProjectKey(forge: forge, path: hook.project.path_with_namespace),
                pipeline: PipelineID(attributes.id), ref: attributes.ref,
                sha: try WebhookDecoding.sha(attributes.sha, "object_attributes.sha"), status: attributes.status,
                source: attributes.source)
            // A pipeline a schedule created carries the schedule's name and slot in its variables.
            let variables = attributes.variables ?? []
            func value(_ key: String) -> String? {
                variables.first { $0.key == key }?.value.map { String($0.prefix(200)) }
            }
            if let name = value(ScheduleDefinition.scheduleVariable), let claim = value(ScheduleDefinition.slotVariable)
            {
                event.scheduled = ScheduledPipelineMark(schedule: name, claim: claim)
            }
            event.reviewApp = ReviewAppPipelineMark(variables: value)
            return .pipeline(event)
        default:
            guard JSONSyntax.isValid(data) else {
                throw IntakeError(status: 400, code: "malformed_json", message: "The body of the \(kind) is not JSON.")
            }
            return .ignored(kind: kind)
        }
    }
}

/// A stable 64-bit FNV-1a fingerprint, used as the delivery key when GitLab sends no delivery id
/// (before GitLab 14.8): identical bodies are then the same delivery.
enum Fingerprint {
    static func hex(of bytes: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16) + "-\(bytes.count)"
    }
}

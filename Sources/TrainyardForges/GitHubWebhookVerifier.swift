import Crypto
import Foundation
import TrainyardCore
import TrainyardEngine

/// Verifies GitHub webhook deliveries (`X-Hub-Signature-256`: HMAC-SHA256 of the raw body with
/// the webhook's secret, compared in constant time) and decodes the events Trainyard acts on.
/// Deliveries are deduplicated by `X-GitHub-Delivery`, which a redelivery keeps. Every other
/// event, `merge_group` (GitHub's own queue) included, is accepted and recorded as ignored.
public struct GitHubWebhookVerifier: WebhookVerifier {
    /// The configured forge name, e.g. `github`.
    public let forge: String
    let secret: String
    public let maxBodyBytes: Int

    /// GitHub sends up to 25 MB; Trainyard reads none of the large parts (commit lists of pushes).
    public init(forge: String, secret: String, maxBodyBytes: Int = 25 * 1024 * 1024) {
        self.forge = forge
        self.secret = secret
        self.maxBodyBytes = maxBodyBytes
    }

    static let signatureHeader = "X-Hub-Signature-256"

    public func authenticate(header: (String) -> String?) throws(IntakeError) {
        guard let signature = header(Self.signatureHeader) else {
            throw IntakeError(
                status: 401, code: "missing_signature",
                message: "The X-Hub-Signature-256 header is missing. Set the webhook's secret in GitHub to the "
                    + "`webhook_secret` of forge `\(forge)` in Trainyard's configuration.")
        }
        guard Self.digest(of: signature) != nil else {
            throw IntakeError(
                status: 401, code: "invalid_signature",
                message: "The X-Hub-Signature-256 header is not `sha256=` and 64 hexadecimal digits.")
        }
    }

    /// The hexadecimal digest of a `sha256=<hex>` header, lower-cased; nil when malformed.
    static func digest(of header: String) -> String? {
        guard header.hasPrefix("sha256=") else { return nil }
        let hex = header.dropFirst("sha256=".count).lowercased()
        guard hex.utf8.count == 64, hex.allSatisfy(\.isHexDigit) else { return nil }
        return hex
    }

    /// `sha256=` and the hexadecimal HMAC-SHA256 of `body` with `secret`, as GitHub signs.
    public static func signature(of body: Data, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    public func decode(header: (String) -> String?, body: Data) throws(IntakeError) -> Delivery {
        let expected = Self.signature(of: body, secret: secret)
        guard let given = header(Self.signatureHeader).flatMap(Self.digest(of:)),
            ConstantTime.equals("sha256=" + given, expected)
        else {
            throw IntakeError(
                status: 401, code: "invalid_signature",
                message: "The X-Hub-Signature-256 header does not match the body signed with the `webhook_secret` "
                    + "of forge `\(forge)`. Set the same secret in GitHub's webhook settings and in Trainyard's "
                    + "configuration.")
        }
        guard let kind = header("X-GitHub-Event"), !kind.isEmpty else {
            throw IntakeError(
                status: 400, code: "missing_event",
                message: "The X-GitHub-Event header is missing; Trainyard cannot tell what the delivery is.")
        }
        guard kind.utf8.count <= 100 else {
            throw IntakeError(
                status: 400, code: "invalid_event",
                message: "The X-GitHub-Event header is longer than 100 bytes; GitHub's event names are short, "
                    + "such as `pull_request`.")
        }
        let key = header("X-GitHub-Delivery") ?? "body-" + Fingerprint.hex(of: body)
        guard key.utf8.count <= 200 else {
            throw IntakeError(
                status: 400, code: "invalid_delivery_id",
                message: "The X-GitHub-Delivery header is longer than 200 bytes.")
        }
        let event = try GitHubEvents(forge: forge).event(kind: kind, body: body)
        // A comment is keyed by its id, so that the reconciler's replay of it is a duplicate.
        if case .comment(let comment) = event, let id = comment.commentID {
            return Delivery(source: forge, key: CommentSnapshot.deliveryKey(id), kind: kind, event: event)
        }
        return Delivery(source: forge, key: key, kind: kind, event: event)
    }
}

import Crypto
import Foundation

/// Slack's request signing, version 0: `X-Slack-Signature` is `v0=` and the hex HMAC-SHA256,
/// keyed with the app's signing secret, of `v0:<X-Slack-Request-Timestamp>:<raw body>`. A
/// timestamp more than ``ChatOpsSettings/maxClockSkew`` from now is refused, so a captured
/// request cannot be replayed later.
public enum SlackSignature {
    /// The signature Slack sends for `body` at `timestamp`.
    public static func sign(secret: String, timestamp: String, body: Data) -> String {
        var message = Data("v0:\(timestamp):".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return "v0=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Checks a request's signature headers against its body; throws the error to answer.
    static func verify(
        secret: String, timestamp: String?, signature: String?, body: Data, now: Date, maxSkew: Double
    ) throws(APIError) {
        guard let timestamp, let signature, !timestamp.isEmpty, !signature.isEmpty else {
            throw APIError(
                .unauthorized, "missing_signature",
                "Slack requests carry `X-Slack-Request-Timestamp` and `X-Slack-Signature`; this one has not both.")
        }
        guard let seconds = Double(timestamp), seconds.isFinite else {
            throw APIError(.unauthorized, "invalid_timestamp", "`X-Slack-Request-Timestamp` is not a Unix time.")
        }
        guard abs(now.timeIntervalSince1970 - seconds) <= maxSkew else {
            throw APIError(
                .unauthorized, "stale_request",
                "The request's timestamp is more than \(Int(maxSkew)) s from this server's clock: a replay, or a "
                    + "clock that is off (check NTP).")
        }
        let expected = sign(secret: secret, timestamp: timestamp, body: body)
        guard ConstantTimeEquality.equals(expected, signature) else {
            throw APIError(
                .unauthorized, "invalid_signature",
                "`X-Slack-Signature` does not match the body: check `chatops.slack.signing_secret`.")
        }
    }
}

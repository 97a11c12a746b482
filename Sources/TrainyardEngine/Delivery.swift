import Foundation
import TrainyardCore

/// A verified, decoded delivery ready to be stored in the inbox.
public struct Delivery: Hashable, Codable, Sendable {
    /// Where it came from: `gitlab`, `api`, …
    public var source: String
    /// The key that makes a redelivery of the same delivery a duplicate.
    public var key: String
    /// The forge's event name (`Merge Request Hook`).
    public var kind: String
    public var event: ForgeEvent
    /// The W3C `traceparent` of the request that brought it, when tracing is on (see ``TraceParent``).
    public var trace: String?

    public init(source: String, key: String, kind: String, event: ForgeEvent, trace: String? = nil) {
        self.source = source
        self.key = key
        self.kind = kind
        self.event = event
        self.trace = trace
    }
}

/// A delivery refused at the door, with the HTTP status and a message that says what to fix.
public struct IntakeError: Error, Hashable, Sendable {
    public var status: Int
    public var code: String
    public var message: String

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
}

/// Verifies and decodes one forge's webhook deliveries. Implemented per forge in
/// `TrainyardForges`; the HTTP layer only sees this protocol.
public protocol WebhookVerifier: Sendable {
    /// The largest body accepted, in bytes.
    var maxBodyBytes: Int { get }
    /// Checks the delivery's credentials from its headers alone, before the body is read.
    /// `header` looks a header up case-insensitively.
    func authenticate(header: (String) -> String?) throws(IntakeError)
    /// Decodes an authenticated body. Throws a 400 `IntakeError` naming what is wrong.
    func decode(header: (String) -> String?, body: Data) throws(IntakeError) -> Delivery
}

/// The credential git sends to a forge: an HTTP header, and the only host it is sent to.
public struct GitCredential: Sendable {
    public var host: String
    public var header: String

    public init(host: String, header: String) {
        self.host = host
        self.header = header
    }
}

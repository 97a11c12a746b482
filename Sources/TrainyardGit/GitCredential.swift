/// The credential git sends to a forge: an HTTP header, and the only host it is sent to. The
/// header is fixed (a token) or made when needed (a GitHub App's installation token, renewed
/// every hour).
public struct GitCredential: Sendable {
    public var host: String
    let make: @Sendable () async throws -> String

    public init(host: String, header: String) {
        self.host = host
        make = { header }
    }

    /// A credential whose header `provider` makes each time git needs it.
    public init(host: String, provider: @escaping @Sendable () async throws -> String) {
        self.host = host
        make = provider
    }

    /// The header as git sends it now.
    public func header() async throws -> String { try await make() }
}

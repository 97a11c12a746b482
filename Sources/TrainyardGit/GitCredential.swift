/// The credential git sends to a forge: an HTTP header, and the only host it is sent to. The
/// header is fixed (a token) or made when needed (a GitHub App's installation token, renewed
/// every hour).
public struct GitCredential: Sendable {
    public var host: String
    let make: @Sendable (String) async throws -> String

    public init(host: String, header: String) {
        self.host = host
        make = { _ in header }
    }

    /// A credential whose header `provider` makes each time git needs it, for the project path
    /// it is given (a GitHub App's token is per installation).
    public init(host: String, provider: @escaping @Sendable (String) async throws -> String) {
        self.host = host
        make = provider
    }

    /// The header as git sends it now to `project`'s repository.
    public func header(for project: String) async throws -> String { try await make(project) }
}

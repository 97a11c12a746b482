import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL server of the test run: `TRAINYARD_TEST_POSTGRES_URL`, which `scripts/test`
/// sets after starting a throwaway cluster. Each test makes a database of its own.
public enum PostgresTestServer {
    /// The server's URL; a clear failure when it is not set.
    public static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["TRAINYARD_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw TestSetupError(
                "TRAINYARD_TEST_POSTGRES_URL is not set: run the tests through ./scripts/test, which starts a "
                    + "throwaway PostgreSQL, or point it at a server where the user may create databases")
        }
        return url
    }

    /// Creates a database with a new name and returns its URL.
    public static func newDatabase() async throws -> String {
        let admin = try url()
        guard var components = URLComponents(string: admin), let host = components.host, let user = components.user
        else { throw TestSetupError("TRAINYARD_TEST_POSTGRES_URL is not a postgres://user@host:port/db URL") }
        let name = "trainyard_test_\(UUID().uuidString.lowercased().replacing("-", with: ""))"
        var logger = Logger(label: "postgres-test-server")
        logger.logLevel = .critical
        let configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: String(components.path.dropFirst()), tls: .disable)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
            group.cancelAll()
        }
        components.path = "/\(name)"
        return components.string!
    }
}

/// A test whose environment is not set up, with what to do.
public struct TestSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

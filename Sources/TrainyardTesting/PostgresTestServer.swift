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
        guard var components = URLComponents(string: admin) else { throw TestSetupError("bad URL \(admin)") }
        let name = "trainyard_test_\(UUID().uuidString.lowercased().replacing("-", with: ""))"
        let client = try client(admin)
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

extension PostgresTestServer {
    /// Runs `sql` on the database at `url` and returns its rows, each column as text (`NULL` as
    /// `nil`). For checks of what a test's services stored.
    public static func rows(_ url: String, _ sql: String) async throws -> [[String?]] {
        let client = try client(url)
        return try await withThrowingTaskGroup(of: [[String?]].self) { group in
            group.addTask {
                await client.run()
                return []
            }
            var result: [[String?]] = []
            for try await row in try await client.query(PostgresQuery(unsafeSQL: sql)) {
                result.append(row.map { cell in cell.bytes.map { String(buffer: $0) } })
            }
            group.cancelAll()
            return result
        }
    }
}

extension PostgresTestServer {
    /// A quiet client of the database at `url` (run it before querying).
    static func client(_ url: String) throws -> PostgresClient {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user
        else { throw TestSetupError("\(url) is not a postgres://user@host:port/db URL") }
        var logger = Logger(label: "postgres-test-server")
        logger.logLevel = .critical
        let configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: String(components.path.dropFirst()), tls: .disable)
        return PostgresClient(configuration: configuration, backgroundLogger: logger)
    }
}

import Foundation
import Logging
import PostgresNIO
import Synchronization
import TrainyardCore
import TrainyardEngine

/// The store for several replicas: one PostgreSQL database reached through postgres-nio's
/// connection pool. Every method is one transaction; the engine's rows and queries are the same
/// as ``SQLiteStore``'s, so one contract test suite covers both.
public final class PostgresStore: EngineStore, VersionedStore {
    let client: PostgresClient
    let logger: Logger
    let runner: Task<Void, Never>
    let coder = StoredJSON()
    private let counted = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)
    /// Tasks listening for notifications, cancelled when the store closes.
    let listeners = Mutex<[Task<Void, Never>]>([])

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        runner = Task { await client.run() }
    }

    /// Connects to the database `location` names and checks or migrates its schema as `schema`
    /// says.
    public static func open(
        _ location: PostgresLocation, logger: Logger, schema: SchemaCheck = .migrate
    ) async throws -> PostgresStore {
        let store = PostgresStore(
            client: PostgresClient(configuration: location.configuration, backgroundLogger: logger),
            logger: logger)
        do {
            try await store.apply(schema)
            return store
        } catch {
            await store.close()
            throw error
        }
    }

    /// Closes the pool. Closing a closed store does nothing.
    public func close() async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        // A listener waiting for a notification may not notice cancellation until the connection
        // closes, which ending the pool does: it is not awaited.
        for listener in listeners.withLock({ $0 }) { listener.cancel() }
        runner.cancel()
        await runner.value
    }

    public func transactionCount() async -> Int { counted.load(ordering: .relaxed) }

    /// Runs `body` in one transaction (`BEGIN … COMMIT`, rolled back when it throws).
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        counted.add(1, ordering: .relaxed)
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            // What went wrong inside the transaction, not the wrapper postgres-nio puts round it.
            if let inner = error.closureError { throw inner }
            throw error
        }
    }

    /// Runs one statement outside an explicit transaction (PostgreSQL makes it one).
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        counted.add(1, ordering: .relaxed)
        return try await client.query(query, logger: logger).collect()
    }
}

/// Where a PostgreSQL database is: `storage: postgres://user[:password]@host[:port]/database`.
/// The password may instead come from `TRAINYARD_POSTGRES_PASSWORD` or `PGPASSWORD`, so that it
/// stays out of the configuration file; `?sslmode=require` asks for TLS.
public struct PostgresLocation: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var requireTLS: Bool
    /// How long the server lets a session sit in an open transaction, or wait for a lock, before
    /// it ends the transaction. A replica paused (SIGSTOP) in the middle of a commit must not keep
    /// the rows it locked, or no other replica could take its trains over: the server rolls its
    /// transaction back instead, and the replica's commit fails when it wakes.
    public var stalledTransactionSeconds = 5

    /// Reads a `postgres://` or `postgresql://` URL; the error says what is missing.
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql" else {
            throw StoreError.badLocation("`\(text)` is not a postgres:// URL (postgres://user@host:5432/database)")
        }
        guard let host = url.host, !host.isEmpty else {
            throw StoreError.badLocation("the PostgreSQL URL names no host (postgres://user@host:5432/database)")
        }
        guard let user = url.user, !user.isEmpty else {
            throw StoreError.badLocation("the PostgreSQL URL names no user (postgres://user@\(host):5432/database)")
        }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty else {
            throw StoreError.badLocation("the PostgreSQL URL names no database (postgres://\(user)@\(host)/trainyard)")
        }
        self.host = host
        self.port = url.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        self.password =
            url.password?.removingPercentEncoding ?? environment["TRAINYARD_POSTGRES_PASSWORD"]
            ?? environment["PGPASSWORD"]
        self.database = database.removingPercentEncoding ?? database
        let mode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        switch mode {
        case "disable": requireTLS = false
        case "require": requireTLS = true
        default:
            throw StoreError.badLocation("sslmode `\(mode)` is not supported; use `disable` or `require`")
        }
    }

    /// The URL without its password, for logs.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    var configuration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database,
            tls: requireTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = 10
        let stalled = "\(max(1, stalledTransactionSeconds))s"
        configuration.options.additionalStartupParameters = [
            ("idle_in_transaction_session_timeout", stalled), ("lock_timeout", stalled),
        ]
        return configuration
    }
}

import Foundation
import Logging
import SQLiteNIO
import TrainyardCore
import TrainyardEngine

/// The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so that a delivery
/// acknowledged with 202 survives a power cut. One connection, one transaction at a time.
public actor SQLiteStore: EngineStore, VersionedStore {
    let connection: SQLiteConnection
    let logger: Logger
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var closed = false
    private var transactions = 0
    let coder = StoredJSON()

    init(connection: SQLiteConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Opens (creating it and its folder if needed) the database at `path` and checks or migrates
    /// its schema as `schema` says.
    public static func open(path: String, logger: Logger, schema: SchemaCheck = .migrate) async throws -> SQLiteStore {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        do {
            for pragma in [
                "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA busy_timeout=5000",
                "PRAGMA foreign_keys=ON",
            ] {
                _ = try await connection.query(pragma, [])
            }
            let store = SQLiteStore(connection: connection, logger: logger)
            try await store.apply(schema)
            return store
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Closes the database. Closing a closed store does nothing.
    public func close() async throws {
        guard !closed else { return }
        closed = true
        try await connection.close()
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back on any error. Transactions
    /// never interleave: the actor is re-entrant across `await`, so a queue keeps them apart.
    func transaction<T: Sendable>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        transactions += 1
        _ = try await connection.query("BEGIN IMMEDIATE", [])
        do {
            let result = try await body(connection)
            _ = try await connection.query("COMMIT", [])
            return result
        } catch {
            _ = try? await connection.query("ROLLBACK", [])
            throw error
        }
    }

    private func acquire() async {
        if !locked {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            locked = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    public func transactionCount() async -> Int { transactions }
}

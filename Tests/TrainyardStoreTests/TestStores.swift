import Foundation
import Logging
import PostgresNIO
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardTesting

@testable import TrainyardStore

/// The stores the contract suite runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// A store opened for one test, with raw SQL for setting up what the API cannot write, and a way
/// to reopen it as a restarted process would.
struct TestStore: Sendable {
    let kind: StoreKind
    let store: any EngineStore
    /// Where it lives: a file path, or a PostgreSQL URL.
    let location: String

    /// Runs SQL directly (`?`-free statements only).
    func raw(_ sql: String) async throws {
        switch store {
        case let sqlite as SQLiteStore: _ = try await sqlite.connection.query(sql, [])
        case let postgres as PostgresStore: try await postgres.client.query(PostgresQuery(unsafeSQL: sql))
        default: Issue.record("unknown store")
        }
    }

    func close() async throws {
        switch store {
        case let sqlite as SQLiteStore: try await sqlite.close()
        case let postgres as PostgresStore: await postgres.close()
        default: break
        }
    }

    /// Closes and opens the same database again.
    func reopened() async throws -> TestStore {
        try await close()
        return TestStore(kind: kind, store: try await Self.connect(kind, location), location: location)
    }

    static func connect(_ kind: StoreKind, _ location: String, migrate: Bool = true) async throws -> any EngineStore {
        switch kind {
        case .sqlite:
            return try await SQLiteStore.open(
                path: location, logger: logger, schema: migrate ? .migrate : .requireCurrent)
        case .postgres:
            return try await PostgresStore.open(
                PostgresLocation(url: location), logger: logger, schema: migrate ? .migrate : .requireCurrent)
        }
    }

    static let logger: Logger = {
        var logger = Logger(label: "store-test")
        logger.logLevel = .critical
        return logger
    }()

    /// A new, empty database of `kind`.
    static func make(_ kind: StoreKind) async throws -> TestStore {
        let location = try await newLocation(kind)
        return TestStore(kind: kind, store: try await connect(kind, location), location: location)
    }

    /// Where a new, empty database of `kind` can be made: a fresh file, or a fresh database on the
    /// test server (`TRAINYARD_TEST_POSTGRES_URL`, which `scripts/test` sets).
    static func newLocation(_ kind: StoreKind) async throws -> String {
        switch kind {
        case .sqlite:
            return FileManager.default.temporaryDirectory
                .appendingPathComponent("trainyard-store-\(UUID().uuidString)/trainyard.db").path
        case .postgres:
            return try await PostgresTestServer.newDatabase()
        }
    }

    /// Opens a store of each kind, runs `body`, and closes it.
    static func with(_ kind: StoreKind, _ body: (TestStore) async throws -> Void) async throws {
        let opened = try await make(kind)
        do {
            try await body(opened)
        } catch {
            try? await opened.close()
            throw error
        }
        try await opened.close()
    }
}

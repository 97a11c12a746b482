import Foundation
import PostgresNIO
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardTesting

@testable import TrainyardStore

/// What only the PostgreSQL store has: its URL, its migration ledger, and replicas migrating at once.
struct PostgresStoreTests {
    @Test(arguments: [
        ("mysql://u@h/db", "is not a postgres:// URL"),
        ("postgres:///db", "names no host"),
        ("postgres://h/db", "names no user"),
        ("postgres://u@h", "names no database"),
        ("postgres://u@h/db?sslmode=verify-full", "sslmode `verify-full` is not supported"),
    ])
    func badURLsAreRefusedWithWhatIsMissing(url: String, message: String) {
        #expect {
            _ = try PostgresLocation(url: url, environment: [:])
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func thePasswordMayComeFromTheEnvironmentAndIsNeverShown() throws {
        let location = try PostgresLocation(
            url: "postgres://ty@db.internal/trainyard", environment: ["TRAINYARD_POSTGRES_PASSWORD": "s3cret"])
        #expect(location.password == "s3cret" && location.port == 5432 && location.database == "trainyard")
        #expect(location.description == "postgres://ty@db.internal:5432/trainyard")
        let inline = try PostgresLocation(url: "postgresql://ty:p%40ss@db:6543/t?sslmode=require", environment: [:])
        #expect(inline.password == "p@ss" && inline.port == 6543 && inline.requireTLS)
    }

    @Test func aHalfAppliedMigrationIsRefusedAndNamed() async throws {
        let test = try await TestStore.make(.postgres)
        try await test.raw("INSERT INTO schema_migrations (version, name) VALUES (6, 'interrupted')")
        try await test.close()
        await #expect {
            _ = try await TestStore.connect(.postgres, test.location)
        } throws: { error in
            "\(error)".contains("schema version 6 was started but not finished")
        }
    }

    @Test func replicasStartingTogetherMigrateOnce() async throws {
        let location = try await PostgresTestServer.newDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await PostgresStore.open(PostgresLocation(url: location), logger: TestStore.logger)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 4)
        let status = try await stores[0].schemaStatus()
        #expect(status.applied == [1, 2, 3, 4, 5] && status.unfinished == nil)
        for store in stores { await store.close() }
    }

    @Test func withoutMigratingAnEmptyDatabaseIsRefused() async throws {
        let location = try await PostgresTestServer.newDatabase()
        await #expect {
            _ = try await PostgresStore.open(
                PostgresLocation(url: location), logger: TestStore.logger, schema: .requireCurrent)
        } throws: { error in
            "\(error)".contains("schema version 0 and this Trainyard needs 5")
        }
    }
}

import Foundation
import Logging
import SQLiteNIO
import Testing
import TrainyardCore
import TrainyardEngine

@testable import TrainyardStore

/// What only the SQLite store has: its file, its journal, and databases written by earlier releases.
struct SQLiteStoreTests {
    @Test func failedTransactionLeavesNothingBehind() async throws {
        try await TestStore.with(.sqlite) { test in
            let store = try #require(test.store as? SQLiteStore)
            await #expect(throws: (any Error).self) {
                try await store.transaction { connection in
                    _ = try await connection.query(
                        "INSERT INTO outbox (train, train_id, action, created_at) VALUES ('t', '{}', '{}', 0)", [])
                    _ = try await connection.query("INSERT INTO no_such_table VALUES (1)", [])
                }
            }
            #expect(try await store.nextOutbox(owner: nil, now: Instant(seconds: 1)) == nil)
        }
    }

    @Test func theJournalIsWriteAheadWithFullSync() async throws {
        try await TestStore.with(.sqlite) { test in
            let store = try #require(test.store as? SQLiteStore)
            let mode = try await store.connection.query("PRAGMA journal_mode", [])
            #expect(mode.first?.column("journal_mode")?.string == "wal")
            let sync = try await store.connection.query("PRAGMA synchronous", [])
            #expect(sync.first?.column("synchronous")?.integer == 2)
        }
    }

    /// A database written by main at 876078f (schema 1, formats without versions): two trains'
    /// worth of rows, one delivery and two actions unfinished.
    static func copyOfMainFixture() throws -> String {
        let fixture = try #require(
            Bundle.module.url(forResource: "main-876078f", withExtension: "sqlite", subdirectory: "Fixtures"))
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("trainyard-fixture-\(UUID().uuidString)/trainyard.db").path
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture.path, toPath: path)
        return path
    }

    @Test func aDatabaseWrittenByTheReleaseBeforeIsMigratedAndRead() async throws {
        let path = try Self.copyOfMainFixture()
        let store = try await SQLiteStore.open(path: path, logger: TestStore.logger)
        #expect(try await store.schemaStatus() == SchemaStatus(applied: [1, 2, 3, 4, 5, 6], unfinished: nil, known: 6))
        let trains = try await store.trains()
        #expect(trains.map(\.id.description) == ["gitlab:group/app@main"])
        #expect(trains.first?.queue.map(\.number) == [1, 2, 3])
        let unrouted = try await store.unroutedInbox(limit: 10)
        #expect(unrouted.map(\.delivery.kind) == ["Push Hook"])
        #expect(unrouted.first?.owner == nil)
        let train = Owner.train(TrainID(forge: "gitlab", project: "group/app", target: "main"))
        let action = try #require(try await store.nextOutbox(owner: train, now: Instant(seconds: 2_000_000_000)))
        guard case .comment(let change, _) = action.action else {
            Issue.record("expected the note of !3, got \(action.action)")
            return
        }
        #expect(change == 3)
        #expect(try await store.quarantined(limit: 10).isEmpty)
        // What this build writes back is read back.
        try await store.commit(
            train: trains[0].id, state: trains[0], actions: [], finishing: nil, at: Instant(seconds: 1))
        #expect(try await store.train(trains[0].id) == trains[0])
        try await store.close()
    }

    @Test func withoutMigratingAnOlderSchemaIsRefusedWithTheCommandToRun() async throws {
        let path = try Self.copyOfMainFixture()
        await #expect {
            _ = try await SQLiteStore.open(path: path, logger: TestStore.logger, schema: .requireCurrent)
        } throws: { error in
            "\(error)".contains("schema version 1 and this Trainyard needs 6")
                && "\(error)".contains("trainyard migrate")
        }
    }
}

import Foundation
import Logging
import Testing
import TrainyardStore

@testable import trainyard

/// `trainyard migrate [--dry-run]` on a database left by the release before (schema 1).
struct MigrateCommandTests {
    static func oldDatabase() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-migrate-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("trainyard.db").path
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TrainyardStoreTests/Fixtures/main-876078f.sqlite")
        try FileManager.default.copyItem(atPath: fixture.path, toPath: path)
        return path
    }

    static func report(_ path: String, dryRun: Bool) async throws -> String {
        let store = try await openStore(.sqlite(path: path), logger: Logger(label: "test"), schema: .inspect)
        var command = try MigrateCommand.parse(dryRun ? ["--dry-run"] : [])
        command.dryRun = dryRun
        let text = try await command.report(store)
        try await closeStore(store)
        return text
    }

    @Test func aDryRunShowsThePendingStatementsAndChangesNothing() async throws {
        let path = try Self.oldDatabase()
        let text = try await Self.report(path, dryRun: true)
        #expect(text.contains("database: schema version 1 of 6, pending: 2, 3, 4, 5, 6"))
        #expect(text.contains("version 2: owners at intake, durable timers, quarantine"))
        #expect(text.contains("ALTER TABLE inbox ADD COLUMN owner TEXT;"))
        #expect(text.hasSuffix("dry run: nothing was changed"))
        #expect(try await Self.report(path, dryRun: true).contains("pending: 2, 3, 4, 5, 6"), "nothing was applied")
    }

    @Test func migrateAppliesThePendingVersionsOnce() async throws {
        let path = try Self.oldDatabase()
        #expect(try await Self.report(path, dryRun: false).hasSuffix("applied: now schema version 6 of 6"))
        #expect(try await Self.report(path, dryRun: false).hasSuffix("nothing to do: the schema is up to date"))
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"), schema: .requireCurrent)
        #expect(try await store.trains().count == 1)
        try await store.close()
    }
}

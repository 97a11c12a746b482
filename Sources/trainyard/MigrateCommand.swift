import ArgumentParser
import Logging
import TrainyardEngine
import TrainyardStore

/// `trainyard migrate [--dry-run]`: brings the configured database's schema up to this build's.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations to the configured database (or show them with --dry-run).")

    @Option(name: .shortAndLong, help: "The configuration file (default: trainyard.yml if present).")
    var config: String?

    @Flag(help: "Show the schema version and the statements that would run, and change nothing.")
    var dryRun = false

    func run() async throws {
        var logger = Logger(label: "trainyard")
        logger.logLevel = .warning
        let settings = try loadConfig(config)
        let store = try await openStore(settings.storage, logger: logger, schema: .inspect)
        do {
            print(try await report(store))
            try await closeStore(store)
        } catch {
            try? await closeStore(store)
            throw error
        }
    }

    /// What the command prints; applies the migrations unless `dryRun`.
    func report(_ store: any EngineStore) async throws -> String {
        let status: SchemaStatus
        let pending: [StoreMigration]
        switch store {
        case let sqlite as SQLiteStore:
            (status, pending) = (try await sqlite.schemaStatus(), try await sqlite.pendingMigrations())
        case let postgres as PostgresStore:
            (status, pending) = (try await postgres.schemaStatus(), try await postgres.pendingMigrations())
        default:
            throw ValidationError("this store has no migrations")
        }
        var lines = ["database: \(status)"]
        if let unfinished = status.unfinished {
            throw StoreError.halfApplied(version: unfinished, applied: status.applied)
        }
        if status.current > status.known { throw StoreError.newerSchema(found: status.current, known: status.known) }
        if pending.isEmpty { return (lines + ["nothing to do: the schema is up to date"]).joined(separator: "\n") }
        for migration in pending {
            lines.append("version \(migration.version): \(migration.name)")
            if dryRun { lines += migration.statements.map { "  " + $0.replacing("\n", with: "\n  ") + ";" } }
        }
        if dryRun { return (lines + ["dry run: nothing was changed"]).joined(separator: "\n") }
        switch store {
        case let sqlite as SQLiteStore: try await sqlite.migrate()
        case let postgres as PostgresStore: try await postgres.migrate()
        default: break
        }
        let after: SchemaStatus
        switch store {
        case let sqlite as SQLiteStore: after = try await sqlite.schemaStatus()
        case let postgres as PostgresStore: after = try await postgres.schemaStatus()
        default: after = status
        }
        return (lines + ["applied: now \(after)"]).joined(separator: "\n")
    }
}

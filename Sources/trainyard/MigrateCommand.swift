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
        guard let store = store as? any VersionedStore else { throw ValidationError("this store has no migrations") }
        let status = try await store.schemaStatus()
        let pending = try await store.pendingMigrations()
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
        try await store.migrate()
        return (lines + ["applied: now \(try await store.schemaStatus())"]).joined(separator: "\n")
    }
}

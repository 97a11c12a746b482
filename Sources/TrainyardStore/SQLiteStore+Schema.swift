import SQLiteNIO

/// Schema migrations, numbered by SQLite's `user_version`. Each runs in one transaction, so a
/// crash leaves the previous version intact (a half-applied schema cannot happen on SQLite).
/// Migrations only add (expand); what a release stops using is dropped a release later.
extension SQLiteStore {
    static let migrations: [StoreMigration] = [
        StoreMigration(
            version: 1, name: "inbox, trains, outbox",
            statements: [
                """
                CREATE TABLE inbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    source TEXT NOT NULL,
                    key TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    delivery TEXT NOT NULL,
                    received_at INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    not_before INTEGER NOT NULL DEFAULT 0,
                    finished_at INTEGER,
                    outcome TEXT,
                    last_error TEXT,
                    UNIQUE (source, key)
                )
                """,
                "CREATE INDEX inbox_due ON inbox (id) WHERE finished_at IS NULL",
                """
                CREATE TABLE trains (
                    train TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                )
                """,
                """
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    train TEXT NOT NULL,
                    train_id TEXT NOT NULL,
                    action TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    not_before INTEGER NOT NULL DEFAULT 0,
                    finished_at INTEGER,
                    last_error TEXT
                )
                """,
                "CREATE INDEX outbox_due ON outbox (train, id) WHERE finished_at IS NULL",
            ]),
        StoreMigration(
            version: 2, name: "owners at intake, durable timers, quarantine, leases",
            statements: [
                "ALTER TABLE inbox ADD COLUMN owner TEXT",
                "CREATE INDEX inbox_owner_due ON inbox (owner, id) WHERE finished_at IS NULL",
                "CREATE INDEX inbox_unrouted ON inbox (id) WHERE finished_at IS NULL AND owner IS NULL",
                """
                CREATE TABLE timers (
                    owner TEXT NOT NULL,
                    name TEXT NOT NULL,
                    due INTEGER NOT NULL,
                    PRIMARY KEY (owner, name)
                )
                """,
                "CREATE INDEX timers_due ON timers (due)",
                """
                CREATE TABLE quarantine (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL,
                    reference TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    error TEXT NOT NULL,
                    moved_at INTEGER NOT NULL
                )
                """,
                """
                CREATE TABLE leases (
                    owner TEXT PRIMARY KEY,
                    holder TEXT NOT NULL,
                    epoch INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                )
                """,
                "ALTER TABLE trains ADD COLUMN fence INTEGER NOT NULL DEFAULT 0",
                "CREATE INDEX inbox_finished ON inbox (finished_at) WHERE finished_at IS NOT NULL",
                "CREATE INDEX outbox_finished ON outbox (finished_at) WHERE finished_at IS NOT NULL",
            ]),
        StoreMigration(
            version: 3, name: "decision log",
            statements: [
                """
                CREATE TABLE decisions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    forge TEXT NOT NULL,
                    project TEXT NOT NULL,
                    target TEXT NOT NULL,
                    changes TEXT NOT NULL,
                    decision TEXT NOT NULL,
                    at INTEGER NOT NULL
                )
                """,
                "CREATE INDEX decisions_project ON decisions (forge, project, id)",
                "CREATE INDEX decisions_at ON decisions (at)",
            ]),
        StoreMigration(
            version: 4, name: "pipeline schedules",
            statements: [
                """
                CREATE TABLE schedules (
                    name TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    updated_at INTEGER NOT NULL,
                    fence INTEGER NOT NULL DEFAULT 0
                )
                """,
                """
                CREATE TABLE schedule_claims (
                    schedule TEXT NOT NULL,
                    claim TEXT NOT NULL,
                    claimed_at INTEGER NOT NULL,
                    PRIMARY KEY (schedule, claim)
                )
                """,
                "CREATE INDEX schedule_claims_at ON schedule_claims (claimed_at)",
            ]),
        StoreMigration(
            version: 5, name: "review apps",
            statements: [
                """
                CREATE TABLE review_apps (
                    project TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    updated_at INTEGER NOT NULL,
                    fence INTEGER NOT NULL DEFAULT 0
                )
                """
            ]),
        StoreMigration(
            version: 6, name: "traces of actions",
            statements: ["ALTER TABLE outbox ADD COLUMN trace TEXT"]),
    ]

    /// The version the database holds.
    public func schemaStatus() async throws -> SchemaStatus {
        let rows = try await connection.query("PRAGMA user_version", [])
        let current = Int(rows.first?.column("user_version")?.integer ?? 0)
        return SchemaStatus(
            applied: current > 0 ? Array(1...current) : [], unfinished: nil, known: Self.migrations.count)
    }

    /// The migrations `migrate` would apply, in order.
    public func pendingMigrations() async throws -> [StoreMigration] {
        let status = try await schemaStatus()
        return Self.migrations.filter { $0.version > status.current }
    }

    /// Applies every pending migration; refuses a newer schema.
    public func migrate() async throws { try await migrate(through: nil) }

    /// Applies the pending migrations up to `target` (all when nil). Tests step through versions
    /// with it to check that each one only adds.
    func migrate(through target: Int?) async throws {
        let status = try await schemaStatus()
        guard status.current <= status.known else {
            throw StoreError.newerSchema(found: status.current, known: status.known)
        }
        for migration in Self.migrations
        where migration.version > status.current && migration.version <= (target ?? Int.max) {
            try await transaction { connection in
                for statement in migration.statements {
                    _ = try await connection.query(statement, [])
                }
                _ = try await connection.query("PRAGMA user_version = \(migration.version)", [])
            }
            logger.info("migrated the database", metadata: ["version": "\(migration.version)"])
        }
    }
}

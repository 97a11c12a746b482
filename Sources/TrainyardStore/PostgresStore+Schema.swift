import PostgresNIO

/// Schema migrations on PostgreSQL, recorded in `schema_migrations`. Each runs in one
/// transaction under an advisory lock, so replicas that start together migrate once, and a
/// crash leaves the previous version intact. Migrations only add (expand); a release that stops
/// using a column or table drops it one release later (contract), so the previous release keeps
/// working against the new schema during a rolling upgrade.
extension PostgresStore {
    /// The advisory lock key migrations hold (`trainyard` in ASCII).
    static let migrationLock: Int64 = 0x7472_6169_6e79_6172

    static let migrations: [StoreMigration] = [
        StoreMigration(
            version: 1, name: "inbox, trains, outbox, timers, quarantine, leases",
            statements: [
                """
                CREATE TABLE inbox (
                    id bigserial PRIMARY KEY,
                    source text NOT NULL,
                    key text NOT NULL,
                    kind text NOT NULL,
                    owner text,
                    delivery text NOT NULL,
                    received_at bigint NOT NULL,
                    attempts bigint NOT NULL DEFAULT 0,
                    not_before bigint NOT NULL DEFAULT 0,
                    finished_at bigint,
                    outcome text,
                    last_error text,
                    UNIQUE (source, key)
                )
                """,
                "CREATE INDEX inbox_owner_due ON inbox (owner, id) WHERE finished_at IS NULL",
                "CREATE INDEX inbox_unrouted ON inbox (id) WHERE finished_at IS NULL AND owner IS NULL",
                """
                CREATE TABLE trains (
                    train text PRIMARY KEY,
                    state text NOT NULL,
                    version bigint NOT NULL,
                    updated_at bigint NOT NULL,
                    fence bigint NOT NULL DEFAULT 0
                )
                """,
                """
                CREATE TABLE outbox (
                    id bigserial PRIMARY KEY,
                    train text NOT NULL,
                    train_id text NOT NULL,
                    action text NOT NULL,
                    created_at bigint NOT NULL,
                    attempts bigint NOT NULL DEFAULT 0,
                    not_before bigint NOT NULL DEFAULT 0,
                    finished_at bigint,
                    last_error text
                )
                """,
                "CREATE INDEX outbox_due ON outbox (train, id) WHERE finished_at IS NULL",
                "CREATE INDEX inbox_finished ON inbox (finished_at) WHERE finished_at IS NOT NULL",
                "CREATE INDEX outbox_finished ON outbox (finished_at) WHERE finished_at IS NOT NULL",
                """
                CREATE TABLE timers (
                    owner text NOT NULL,
                    name text NOT NULL,
                    due bigint NOT NULL,
                    PRIMARY KEY (owner, name)
                )
                """,
                "CREATE INDEX timers_due ON timers (due)",
                """
                CREATE TABLE quarantine (
                    id bigserial PRIMARY KEY,
                    kind text NOT NULL,
                    reference text NOT NULL,
                    payload text NOT NULL,
                    error text NOT NULL,
                    moved_at bigint NOT NULL
                )
                """,
                """
                CREATE TABLE leases (
                    owner text PRIMARY KEY,
                    holder text NOT NULL,
                    epoch bigint NOT NULL,
                    expires_at timestamptz NOT NULL
                )
                """,
            ]),
        StoreMigration(
            version: 2, name: "decision log",
            statements: [
                """
                CREATE TABLE decisions (
                    id bigserial PRIMARY KEY,
                    forge text NOT NULL,
                    project text NOT NULL,
                    target text NOT NULL,
                    changes text NOT NULL,
                    decision text NOT NULL,
                    at bigint NOT NULL
                )
                """,
                "CREATE INDEX decisions_project ON decisions (forge, project, id)",
                "CREATE INDEX decisions_at ON decisions (at)",
            ]),
        StoreMigration(
            version: 3, name: "pipeline schedules",
            statements: [
                """
                CREATE TABLE schedules (
                    name text PRIMARY KEY,
                    state text NOT NULL,
                    updated_at bigint NOT NULL,
                    fence bigint NOT NULL DEFAULT 0
                )
                """,
                """
                CREATE TABLE schedule_claims (
                    schedule text NOT NULL,
                    claim text NOT NULL,
                    claimed_at bigint NOT NULL,
                    PRIMARY KEY (schedule, claim)
                )
                """,
                "CREATE INDEX schedule_claims_at ON schedule_claims (claimed_at)",
            ]),
        StoreMigration(
            version: 4, name: "review apps",
            statements: [
                """
                CREATE TABLE review_apps (
                    project text PRIMARY KEY,
                    state text NOT NULL,
                    updated_at bigint NOT NULL,
                    fence bigint NOT NULL DEFAULT 0
                )
                """
            ]),
        StoreMigration(
            version: 5, name: "traces of actions",
            statements: ["ALTER TABLE outbox ADD COLUMN trace text"]),
    ]

    static let ledger = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version bigint PRIMARY KEY,
            name text NOT NULL,
            started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            finished_at timestamptz
        )
        """

    /// The versions the database holds.
    public func schemaStatus() async throws -> SchemaStatus {
        let exists = try await rows("SELECT to_regclass('schema_migrations') IS NOT NULL").first?.decode(Bool.self)
        guard exists == true else { return SchemaStatus(applied: [], unfinished: nil, known: Self.migrations.count) }
        var applied: [Int] = []
        var unfinished: Int?
        for row in try await rows("SELECT version, finished_at IS NOT NULL FROM schema_migrations ORDER BY version") {
            let (version, finished) = try row.decode((Int64, Bool).self)
            if finished { applied.append(Int(version)) } else { unfinished = Int(version) }
        }
        return SchemaStatus(applied: applied, unfinished: unfinished, known: Self.migrations.count)
    }

    /// The statements `migrate` would run, in order.
    public func pendingMigrations() async throws -> [StoreMigration] {
        let status = try await schemaStatus()
        return Self.migrations.filter { $0.version > status.current }
    }

    /// Applies every pending migration. Refuses a newer or half-applied schema.
    public func migrate() async throws { try await migrate(through: nil) }

    /// Applies the pending migrations up to `target` (all when nil). Tests step through versions
    /// with it to check that each one only adds.
    func migrate(through target: Int?) async throws {
        var status = try await schemaStatus()
        if let unfinished = status.unfinished {
            throw StoreError.halfApplied(version: unfinished, applied: status.applied)
        }
        if status.current > status.known { throw StoreError.newerSchema(found: status.current, known: status.known) }
        for migration in Self.migrations
        where migration.version > status.current && migration.version <= (target ?? Int.max) {
            let applied = try await transaction { connection -> Bool in
                // Another replica's migration may hold the lock for a while: wait for it, whatever
                // the session's lock_timeout.
                try await connection.query("SET LOCAL lock_timeout = 0", logger: logger)
                try await connection.query("SET LOCAL idle_in_transaction_session_timeout = 0", logger: logger)
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL: Self.ledger), logger: logger)
                let done = try await connection.query(
                    "SELECT 1 FROM schema_migrations WHERE version = \(Int64(migration.version))", logger: logger
                ).collect()
                guard done.isEmpty else { return false }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(Int64(migration.version)), \(migration.name))",
                    logger: logger)
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    """
                    UPDATE schema_migrations SET finished_at = clock_timestamp()
                    WHERE version = \(Int64(migration.version))
                    """, logger: logger)
                return true
            }
            if applied { logger.info("migrated the database", metadata: ["version": "\(migration.version)"]) }
        }
        status = try await schemaStatus()
        if target == nil { try status.requireCurrent() }
    }
}

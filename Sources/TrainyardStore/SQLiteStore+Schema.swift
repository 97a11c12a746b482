import SQLiteNIO

/// Schema migrations, numbered by SQLite's `user_version`. Each runs in one transaction, so a
/// crash leaves the previous version intact.
extension SQLiteStore {
    static let migrations: [[String]] = [
        [
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
        ]
    ]

    func migrate() async throws {
        let rows = try await connection.query("PRAGMA user_version", [])
        let current = Int(rows.first?.column("user_version")?.integer ?? 0)
        guard current <= Self.migrations.count else {
            throw StoreError.newerSchema(found: current, known: Self.migrations.count)
        }
        for version in current..<Self.migrations.count {
            try await transaction { connection in
                for statement in Self.migrations[version] {
                    _ = try await connection.query(statement, [])
                }
                _ = try await connection.query("PRAGMA user_version = \(version + 1)", [])
            }
            logger.info("migrated the database", metadata: ["version": "\(version + 1)"])
        }
    }
}

import Foundation
import PostgresNIO
import SQLiteNIO
import Testing

@testable import TrainyardStore

/// The rolling-upgrade rule of the schema (expand, then contract a release later): every
/// migration only adds, so the release before it keeps reading and writing the tables it knows
/// while replicas of two releases share one database. Checked twice: on the statements as
/// written, and on real databases stepped one version at a time.
@Suite struct ExpandContractTests {
    static func migrations(_ kind: StoreKind) -> [StoreMigration] {
        switch kind {
        case .sqlite: SQLiteStore.migrations
        case .postgres: PostgresStore.migrations
        }
    }

    /// Why `statement` could break the release before it, or nil when it only adds. `created`
    /// are the tables made earlier in the same migration (a unique index on those is harmless).
    static func violation(_ statement: String, created: Set<String>) -> String? {
        let text = statement.split(whereSeparator: \.isWhitespace).joined(separator: " ").uppercased()
        for word in ["DROP ", "RENAME ", "ALTER COLUMN", "TRUNCATE ", "DELETE ", "UPDATE ", "INSERT "]
        where text.contains(word) {
            return "it contains \(word.trimmingCharacters(in: .whitespaces))"
        }
        if text.hasPrefix("CREATE TABLE ") || text.hasPrefix("CREATE INDEX ") { return nil }
        if text.hasPrefix("CREATE UNIQUE INDEX ") {
            let table = text.components(separatedBy: " ON ").dropFirst().first?.split(separator: " ").first
            guard let table, created.contains(String(table).lowercased()) else {
                return "a unique index on an existing table refuses rows the previous release may write"
            }
            return nil
        }
        if text.hasPrefix("ALTER TABLE "), text.contains(" ADD COLUMN ") {
            if text.contains("NOT NULL") && !text.contains("DEFAULT") {
                return "a NOT NULL column without a DEFAULT refuses the previous release's inserts"
            }
            if text.contains("UNIQUE") || text.contains("REFERENCES") || text.contains("CHECK") {
                return "a new column with a constraint refuses rows the previous release may write"
            }
            return nil
        }
        return "only CREATE TABLE, CREATE INDEX and ALTER TABLE … ADD COLUMN are allowed"
    }

    @Test(arguments: StoreKind.allCases)
    func everyMigrationStatementOnlyAdds(kind: StoreKind) {
        for migration in Self.migrations(kind) {
            var created: Set<String> = []
            for statement in migration.statements {
                if let reason = Self.violation(statement, created: created) {
                    Issue.record("\(kind) migration \(migration.version): \(reason): \(statement)")
                }
                let words = statement.split(whereSeparator: \.isWhitespace)
                if words.count > 2, words[0].uppercased() == "CREATE", words[1].uppercased() == "TABLE" {
                    created.insert(String(words[2]).lowercased())
                }
            }
        }
    }

    @Test(arguments: [
        ("DROP TABLE inbox", "DROP"),
        ("ALTER TABLE inbox RENAME COLUMN key TO delivery_key", "RENAME"),
        ("ALTER TABLE inbox ALTER COLUMN kind TYPE bigint", "ALTER COLUMN"),
        ("ALTER TABLE inbox ADD COLUMN tenant text NOT NULL", "without a DEFAULT"),
        ("ALTER TABLE inbox ADD COLUMN tenant text UNIQUE", "constraint"),
        ("CREATE UNIQUE INDEX inbox_kind ON inbox (kind)", "unique index on an existing table"),
        ("UPDATE inbox SET kind = 'x'", "UPDATE"),
        ("VACUUM", "only CREATE TABLE"),
    ])
    func theRuleRefusesWhatWouldBreakThePreviousRelease(statement: String, reason: String) {
        #expect(Self.violation(statement, created: []).map { $0.contains(reason) } == true)
    }

    @Test func theRuleAcceptsWhatOnlyAdds() {
        #expect(Self.violation("ALTER TABLE inbox ADD COLUMN owner TEXT", created: []) == nil)
        #expect(Self.violation("ALTER TABLE trains ADD COLUMN fence INTEGER NOT NULL DEFAULT 0", created: []) == nil)
        #expect(Self.violation("CREATE UNIQUE INDEX t_k ON t (k)", created: ["t"]) == nil)
        #expect(Self.violation("CREATE INDEX inbox_due ON inbox (id) WHERE finished_at IS NULL", created: []) == nil)
    }

    /// Steps a real database through every version: nothing a version had is gone or changed in
    /// the next, and a new NOT NULL column has a default.
    @Test(arguments: StoreKind.allCases)
    func eachVersionKeepsEverythingThePreviousHad(kind: StoreKind) async throws {
        let known = Self.migrations(kind).count
        for version in 1...known {
            let before = try await Self.schema(kind, through: version - 1)
            let after = try await Self.schema(kind, through: version)
            for (table, columns) in before.tables {
                guard let now = after.tables[table] else {
                    Issue.record("\(kind) version \(version) lost table \(table)")
                    continue
                }
                for (name, column) in columns where now[name] != column {
                    Issue.record(
                        "\(kind) version \(version) changed \(table).\(name): \(column) → \(String(describing: now[name]))"
                    )
                }
                for (name, column) in now where columns[name] == nil && column.notNull && column.defaultValue == nil {
                    Issue.record("\(kind) version \(version) added \(table).\(name) NOT NULL without a default")
                }
            }
            #expect(before.indexes.isSubset(of: after.indexes), "\(kind) version \(version) dropped an index")
            #expect(after.tables.count >= before.tables.count)
        }
    }

    struct Column: Equatable, CustomStringConvertible {
        var type: String
        var notNull: Bool
        var defaultValue: String?
        var description: String { "\(type)\(notNull ? " NOT NULL" : "") default \(defaultValue ?? "none")" }
    }

    struct Schema {
        var tables: [String: [String: Column]] = [:]
        var indexes: Set<String> = []
    }

    /// The tables, columns and indexes of a new database migrated through `version`.
    static func schema(_ kind: StoreKind, through version: Int) async throws -> Schema {
        let location = try await TestStore.newLocation(kind)
        var schema = Schema()
        switch kind {
        case .sqlite:
            let store = try await SQLiteStore.open(path: location, logger: TestStore.logger, schema: .inspect)
            try await store.migrate(through: version)
            let tables = try await store.connection.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", [])
            for row in tables {
                let table = row.column("name")?.string ?? ""
                for column in try await store.connection.query("PRAGMA table_info(\(table))", []) {
                    schema.tables[table, default: [:]][column.column("name")?.string ?? ""] = Column(
                        type: column.column("type")?.string ?? "", notNull: column.column("notnull")?.integer == 1,
                        defaultValue: column.column("dflt_value")?.string)
                }
            }
            for row in try await store.connection.query("SELECT name FROM sqlite_master WHERE type = 'index'", []) {
                schema.indexes.insert(row.column("name")?.string ?? "")
            }
            try await store.close()
        case .postgres:
            let store = try await PostgresStore.open(
                PostgresLocation(url: location), logger: TestStore.logger, schema: .inspect)
            try await store.migrate(through: version)
            let columns = try await store.rows(
                """
                SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'NO', column_default::text
                FROM information_schema.columns WHERE table_schema = 'public'
                """)
            for row in columns {
                let (table, name, type, notNull, defaultValue) = try row.decode(
                    (String, String, String, Bool, String?).self)
                schema.tables[table, default: [:]][name] = Column(
                    type: type, notNull: notNull, defaultValue: defaultValue)
            }
            for row in try await store.rows("SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public'") {
                schema.indexes.insert(try row.decode(String.self))
            }
            await store.close()
        }
        return schema
    }
}

/// What opening a store does about its schema.
public enum SchemaCheck: Sendable {
    /// Applies pending migrations; refuses a newer or half-applied schema (the service).
    case migrate
    /// Refuses anything but this build's version.
    case requireCurrent
    /// Checks nothing (`trainyard migrate` reads the status itself).
    case inspect
}

/// One numbered step of a store's schema.
public struct StoreMigration: Sendable {
    public var version: Int
    public var name: String
    public var statements: [String]
}

/// Which schema versions a database holds, against the ones this build knows.
public struct SchemaStatus: Hashable, Sendable, CustomStringConvertible {
    /// The versions applied to the end.
    public var applied: [Int]
    /// A version that was started and not finished (an interrupted migration), if any.
    public var unfinished: Int?
    /// The newest version this build knows.
    public var known: Int

    public var current: Int { applied.max() ?? 0 }
    public var pending: [Int] { current < known ? Array((current + 1)...known) : [] }

    /// Throws unless the database is exactly at this build's version, saying what to run.
    public func requireCurrent() throws {
        if let unfinished {
            throw StoreError.halfApplied(version: unfinished, applied: applied)
        }
        if current > known { throw StoreError.newerSchema(found: current, known: known) }
        if current < known { throw StoreError.olderSchema(found: current, known: known) }
    }

    public var description: String {
        var text = "schema version \(current) of \(known)"
        if let unfinished { text += ", version \(unfinished) started but not finished" }
        if !pending.isEmpty { text += ", pending: \(pending.map(String.init).joined(separator: ", "))" }
        return text
    }
}

/// A store with numbered schema versions.
public protocol VersionedStore: Sendable {
    /// The versions the database holds.
    func schemaStatus() async throws -> SchemaStatus
    /// The migrations `migrate` would apply, in order.
    func pendingMigrations() async throws -> [StoreMigration]
    /// Applies every pending migration; refuses a newer or half-applied schema.
    func migrate() async throws
}

extension VersionedStore {
    /// Does what `check` says on opening.
    func apply(_ check: SchemaCheck) async throws {
        switch check {
        case .migrate: try await migrate()
        case .requireCurrent: try await schemaStatus().requireCurrent()
        case .inspect: break
        }
    }
}

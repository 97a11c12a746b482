/// A store failure that is not the database's own, with what to do about it.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    case corrupt(String)
    case newerSchema(found: Int, known: Int)
    case olderSchema(found: Int, known: Int)
    case halfApplied(version: Int, applied: [Int])
    case newerFormat(type: String, found: Int, known: Int)
    case badLocation(String)

    public var description: String {
        switch self {
        case .corrupt(let what): return "the database is not as Trainyard wrote it: \(what)"
        case .newerSchema(let found, let known):
            return "the database has schema version \(found), newer than this Trainyard knows (\(known)); "
                + "run the newer Trainyard or restore a backup"
        case .olderSchema(let found, let known):
            return "the database has schema version \(found) and this Trainyard needs \(known); "
                + "run `trainyard migrate` (or `trainyard migrate --dry-run` to see what it would do)"
        case .halfApplied(let version, let applied):
            let done = applied.isEmpty ? "none" : applied.map(String.init).joined(separator: ", ")
            return "schema version \(version) was started but not finished (applied: \(done)); "
                + "a migration was interrupted: restore the backup taken before it, or finish version \(version) "
                + "by hand and mark it finished in schema_migrations, then run `trainyard migrate`"
        case .newerFormat(let type, let found, let known):
            return "a stored \(type) has format \(found), newer than this Trainyard reads (\(known)); "
                + "it was written by a newer release"
        case .badLocation(let what): return "the storage location is not usable: \(what)"
        }
    }
}

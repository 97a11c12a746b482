/// A table of owners' states, one row per owner, written under the owner's fence: the
/// schedules' (by name) and the projects' review apps (by project).
enum StateTable: String, Sendable {
    case schedules
    case reviewApps = "review_apps"

    /// The table's name in SQL.
    var name: String { rawValue }
    /// The column that names the owner.
    var key: String { self == .schedules ? "name" : "project" }

    /// The upsert of one row: written unless a row with a newer fence is there (`fence = 0` is
    /// a write without a lease, which always goes through). Parameters: key, state, updated_at,
    /// fence, as `placeholders` numbers or marks them.
    func upsert(placeholders: [String], greatest: String) -> String {
        """
        INSERT INTO \(name) (\(key), state, updated_at, fence) VALUES (\(placeholders.joined(separator: ", ")))
        ON CONFLICT (\(key)) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
        fence = \(greatest)(\(name).fence, excluded.fence)
        WHERE \(name).fence <= excluded.fence OR excluded.fence = 0 RETURNING \(key)
        """
    }
}

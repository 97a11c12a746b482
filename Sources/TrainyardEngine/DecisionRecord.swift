import Foundation
import TrainyardCore

/// A stored decision log entry, as `GET /api/v1/projects/{project}/events` shows it.
public struct DecisionRecord: Hashable, Codable, Sendable {
    /// Increasing in the order entries were written; the cursor of the next page.
    public var id: Int64
    public var target: String
    public var decision: Decision
    /// When it was decided (milliseconds since 1970).
    public var at: Instant

    public init(id: Int64, target: String, decision: Decision, at: Instant) {
        self.id = id
        self.target = target
        self.decision = decision
        self.at = at
    }
}

/// Which decision log entries to read: one project's, optionally of one target branch, about one
/// change, and not before `since`; newest first, `limit` of them with ids below `before` and
/// above `after`.
public struct DecisionQuery: Hashable, Sendable {
    public var forge: String
    public var project: String
    public var target: String?
    public var change: Int?
    public var since: Instant?
    public var before: Int64?
    /// Only entries written after the one with this id (to read what is new since a last look).
    public var after: Int64?
    public var limit: Int

    public init(
        forge: String, project: String, target: String? = nil, change: Int? = nil, since: Instant? = nil,
        before: Int64? = nil, limit: Int = 50, after: Int64? = nil
    ) {
        self.after = after
        self.forge = forge
        self.project = project
        self.target = target
        self.change = change
        self.since = since
        self.before = before
        self.limit = limit
    }

    /// The changes column as stored: `,10,12,` so that `LIKE '%,12,%'` finds change 12.
    public static func stored(_ changes: [Int]) -> String {
        changes.isEmpty ? "" : "," + changes.map(String.init).joined(separator: ",") + ","
    }

    /// The changes column read back.
    public static func changes(_ stored: String) -> [Int] {
        stored.split(separator: ",").compactMap { Int($0) }
    }
}

extension DecisionRecord {
    /// How many decisions `status` shows for a change.
    public static let statusLines = 3

    /// The last decisions about a change, oldest first, one line each, for `status`:
    /// `- 14:02 UTC queued: Queued at position 2 of 3. (@alice)`; empty when there are none.
    public static func lines(_ newestFirst: [DecisionRecord]) -> String {
        guard !newestFirst.isEmpty else { return "" }
        let lines = newestFirst.reversed().map { record in
            let minutes = record.at.milliseconds / 60_000
            let clock = String(format: "%02d:%02d", Int(minutes / 60 % 24), Int(minutes % 60))
            let by = record.decision.by.map { " (\($0))" } ?? ""
            return "- \(clock) UTC \(record.decision.kind.rawValue): \(record.decision.reason)\(by)"
        }
        return "\nLast decisions:\n" + lines.joined(separator: "\n")
    }
}

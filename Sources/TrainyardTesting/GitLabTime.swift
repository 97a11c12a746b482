import Foundation

/// The timestamp formats GitLab uses in its API and in its webhook payloads.
enum GitLabTime {
    /// API responses: `2016-01-19T08:40:25.934Z`.
    static func api(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Merge request hooks: `2013-12-03T17:23:34Z`.
    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    /// Note and pipeline hooks: `2015-05-17 18:21:36 UTC`.
    static func utc(_ date: Date) -> String {
        let iso = iso(date)
        return iso.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }

    /// `api(_:)` for an optional date, `null` when absent.
    static func api(_ date: Date?) -> JSON {
        JSON(date.map { api($0) })
    }

    /// `utc(_:)` for an optional date, `null` when absent.
    static func utc(_ date: Date?) -> JSON {
        JSON(date.map { utc($0) })
    }
}

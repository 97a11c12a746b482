import Foundation
import TrainyardCore

/// Times in forge answers: ISO 8601, with or without fractional seconds (GitLab writes
/// `2026-12-06T03:26:00.123Z`, GitHub `2026-12-06T03:26:00Z`).
enum ForgeTime {
    /// The instant a forge's time stands for; nil when it is not ISO 8601.
    static func instant(_ text: String) -> Instant? {
        let date =
            (try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: .iso8601))
        return date.map { Instant(milliseconds: Int64(($0.timeIntervalSince1970 * 1000).rounded())) }
    }

    /// An instant as GitHub's and GitLab's query parameters take it (`2026-12-06T03:26:00Z`).
    static func text(_ instant: Instant) -> String {
        Date(timeIntervalSince1970: Double(instant.milliseconds) / 1000).formatted(.iso8601)
    }
}

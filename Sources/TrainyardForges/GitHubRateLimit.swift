import Foundation

/// What to do with a GitHub answer that may be a rate limit, following GitHub's rules
/// (docs "Rate limits for the REST API"): with `retry-after`, wait that long; else with
/// `x-ratelimit-remaining: 0`, wait until `x-ratelimit-reset`; else a 429 or a 403 that names a
/// secondary rate limit waits at least a minute, doubling with each further try, with jitter.
/// A 403 that is not a limit (no permission) is not retried.
public struct GitHubRateLimit: Sendable, Equatable {
    /// How long to wait before the next try.
    public var wait: Duration
    /// `primary` (the hourly budget), `secondary` (an abuse limit) or `retry-after`.
    public var kind: String

    /// The least wait after an unexplained secondary limit (GitHub says at least a minute);
    /// tests shorten it.
    public static let defaultSecondaryWait = Duration.seconds(60)

    /// The limit an answer reports, or nil when it is not one. `header` looks headers up by
    /// name, in any case; `attempt` counts the tries already limited, from 0.
    public static func of(
        status: Int, header: (String) -> String?, message: String, attempt: Int, now: Date = Date(),
        secondaryWait: Duration = defaultSecondaryWait
    ) -> GitHubRateLimit? {
        guard status == 403 || status == 429 else { return nil }
        if let text = header("retry-after"), let seconds = Int(text.trimmingCharacters(in: .whitespaces)), seconds >= 0
        {
            return GitHubRateLimit(wait: .seconds(seconds), kind: "retry-after")
        }
        if header("x-ratelimit-remaining") == "0", let reset = header("x-ratelimit-reset").flatMap(Double.init) {
            let seconds = max(1, reset - now.timeIntervalSince1970)
            return GitHubRateLimit(wait: .milliseconds(Int64(seconds * 1000)), kind: "primary")
        }
        let lowered = message.lowercased()
        guard status == 429 || lowered.contains("secondary rate limit") || lowered.contains("abuse") else { return nil }
        let doubled = secondaryWait * (1 << min(attempt, 6))
        let jitter = Double.random(in: 1.0...1.25)
        let milliseconds = Double(doubled.components.seconds) * 1000 + Double(doubled.components.attoseconds) / 1e15
        return GitHubRateLimit(wait: .milliseconds(Int64(milliseconds * jitter)), kind: "secondary")
    }
}

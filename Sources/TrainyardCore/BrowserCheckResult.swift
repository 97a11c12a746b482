/// What a browser check saw of one page, as a person would look at it: the main document's
/// status, what the console showed, what failed to load, how long the page took, how heavy it
/// was, and how much its look changed from a baseline. ``problems(maxDiffRatio:)`` judges it.
public struct BrowserCheckResult: Hashable, Codable, Sendable {
    public var url: String
    /// The main document's HTTP status; nil when no document arrived.
    public var status: Int?
    /// `console.error` messages and error entries of the browser's log (a subresource that
    /// failed to load, a blocked mixed-content request).
    public var consoleErrors: [String]
    /// Exceptions no script caught.
    public var exceptions: [String]
    /// Subresources that failed or answered 400 or more: `URL: reason`.
    public var failedRequests: [String]
    /// From the start of navigation to the load event.
    public var loadMilliseconds: Int?
    /// From the start of navigation to the first contentful paint.
    public var fcpMilliseconds: Int?
    /// Bytes received for the page and everything it loaded.
    public var bytes: Int
    /// The full-page PNG, where it was written.
    public var screenshot: String?
    /// The share of pixels that differ from the baseline screenshot (0 to 1); nil without one.
    public var diffRatio: Double?
    /// The difference image (changed pixels in red over a faded copy), where it was written.
    public var diffImage: String?
    /// Why the page could not be checked at all (`net::ERR_CONNECTION_REFUSED`, a timeout,
    /// the browser crashing twice); nil when it was checked.
    public var error: String?
    /// Notes that do not fail the check (`screenshot cut at 16384 px`).
    public var notes: [String]
    /// CSS selectors the page was expected to show and did not.
    public var missingSelectors: [String] = []

    public init(
        url: String, status: Int? = nil, consoleErrors: [String] = [], exceptions: [String] = [],
        failedRequests: [String] = [], loadMilliseconds: Int? = nil, fcpMilliseconds: Int? = nil, bytes: Int = 0,
        screenshot: String? = nil, diffRatio: Double? = nil, diffImage: String? = nil, error: String? = nil,
        notes: [String] = []
    ) {
        self.url = url
        self.status = status
        self.consoleErrors = consoleErrors
        self.exceptions = exceptions
        self.failedRequests = failedRequests
        self.loadMilliseconds = loadMilliseconds
        self.fcpMilliseconds = fcpMilliseconds
        self.bytes = bytes
        self.screenshot = screenshot
        self.diffRatio = diffRatio
        self.diffImage = diffImage
        self.error = error
        self.notes = notes
    }

    /// Why the check fails, one reason per line; empty when it passes. A page fails when it could
    /// not be checked, its status is 400 or more, the console showed an error, an exception went
    /// uncaught, an expected status (or, without one, a status under 400) or element was not there, or its look changed by more than
    /// `maxDiffRatio`.
    public func problems(maxDiffRatio: Double, expectStatus: Int? = nil) -> [String] {
        if let error { return [error] }
        var found: [String] = []
        switch (status, expectStatus) {
        case (nil, _): found.append("no document arrived")
        case (let status?, let expected?) where status != expected:
            found.append("status \(status), expected \(expected)")
        case (let status?, nil) where status >= 400: found.append("status \(status)")
        default: break
        }
        if !consoleErrors.isEmpty {
            found.append("\(consoleErrors.count) console error\(consoleErrors.count == 1 ? "" : "s")")
        }
        if !exceptions.isEmpty {
            found.append("\(exceptions.count) uncaught exception\(exceptions.count == 1 ? "" : "s")")
        }
        for selector in missingSelectors { found.append("`\(selector)` is not on the page") }
        if let diffRatio, diffRatio > maxDiffRatio {
            found.append(
                "the look changed: \(Self.percent(diffRatio)) of pixels differ (at most \(Self.percent(maxDiffRatio)))")
        }
        return found
    }

    /// `0.42%`: a share as a percentage with two decimals.
    public static func percent(_ ratio: Double) -> String {
        let hundredths = Int((ratio * 10_000).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)%"
    }
}

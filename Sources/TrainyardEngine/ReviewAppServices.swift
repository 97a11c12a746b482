import TrainyardCore

/// What the engine needs to run review apps beyond the forge: the browser, the team's deploy
/// endpoint, a folder for screenshots, and how a screenshot is linked from a note.
public struct ReviewAppServices: Sendable {
    public var browser: (any BrowserPort)?
    public var hook: (any ReviewAppHook)?
    /// Where screenshots and difference images are kept.
    public var artifacts: String
    /// The address of a stored screenshot for a note (signed and expiring); nil links nothing.
    public var link: @Sendable (String) -> String?

    public init(
        browser: (any BrowserPort)?, hook: (any ReviewAppHook)? = nil, artifacts: String,
        link: @escaping @Sendable (String) -> String? = { _ in nil }
    ) {
        self.browser = browser
        self.hook = hook
        self.artifacts = artifacts
        self.link = link
    }
}

/// The timer every project with review apps keeps.
public enum ReviewAppTimer {
    public static let wake = "wake"
}

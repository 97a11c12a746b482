/// Who may read the dashboard, and where its links point.
public struct DashboardSettings: Sendable {
    /// `dashboard.access`: `open` (anyone who reaches it; the default, for a private network or
    /// behind the team's SSO proxy) or `token` (a token from `api.tokens` or `dashboard.token`).
    public enum Access: String, Sendable {
        case open, token
    }

    public var access: Access
    /// Tokens that open the dashboard when `access` is `token`.
    public var tokens: [String]
    /// Each forge's web links, by forge name.
    public var links: [String: ForgeLinks]
    /// Seconds between two looks at the store for a page's live updates.
    public var refreshSeconds: Double
    /// Seconds an update stream stays open before the browser is asked to reconnect.
    public var streamSeconds: Double
    /// Whether the token cookie is marked `Secure` (sent over HTTPS only): when `public_url` is https.
    public var secureCookie = false

    public init(
        access: Access = .open, tokens: [String] = [], links: [String: ForgeLinks] = [:], refreshSeconds: Double = 2,
        streamSeconds: Double = 600
    ) {
        self.streamSeconds = streamSeconds
        self.access = access
        self.tokens = tokens
        self.links = links
        self.refreshSeconds = refreshSeconds
    }
}

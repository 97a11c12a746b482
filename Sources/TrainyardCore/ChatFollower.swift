/// A chat command's reply address that keeps getting a change's later notes (its car passing or
/// failing, its landing, its removal) for as long as the chat allows: Slack takes at most 5 posts
/// to one `response_url`, within 30 minutes.
public struct ChatFollower: Hashable, Codable, Sendable {
    public var url: String
    /// When the address stops taking posts.
    public var until: Instant
    /// Posts made to it so far.
    public var posts: Int

    /// The most posts one address takes, and for how long (Slack's limits).
    public static let maxPosts = 5
    public static let lifetime: Int64 = 30 * 60_000

    public init(url: String, until: Instant, posts: Int) {
        self.url = url
        self.until = until
        self.posts = posts
    }
}

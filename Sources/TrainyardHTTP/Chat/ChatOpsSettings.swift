/// What the chat endpoints need: the Slack signing secret, the Mattermost command token, and
/// which forge user each chat user is (`chatops` in the configuration).
public struct ChatOpsSettings: Hashable, Sendable {
    /// A chat identity mapped to a forge user, whose role on the forge decides what they may do.
    public struct User: Hashable, Sendable {
        public var forge: String
        public var username: String
        /// The Slack member id (`U012ABCDEF`).
        public var slack: String?
        /// The Mattermost user id.
        public var mattermost: String?

        public init(forge: String, username: String, slack: String? = nil, mattermost: String? = nil) {
            self.forge = forge
            self.username = username
            self.slack = slack
            self.mattermost = mattermost
        }
    }

    /// Slack's signing secret; without it `/chatops/slack` answers 404.
    public var slackSigningSecret: String?
    /// The Mattermost slash command's token; without it `/chatops/mattermost` answers 404.
    public var mattermostToken: String?
    public var users: [User]
    /// The largest slash command body, in bytes (Slack's and Mattermost's are a few hundred).
    public var maxBodyBytes: Int
    /// How far a Slack request's timestamp may be from now, in seconds (Slack's own advice: 5 min).
    public var maxClockSkew: Double
    /// The hosts a command's `response_url` may point to for the later answers (Slack's
    /// `hooks.slack.com`, and the Mattermost server's host); any other address gets only the
    /// first answer, so a request cannot make Trainyard post elsewhere.
    public var replyHosts: [String]

    public init(
        slackSigningSecret: String? = nil, mattermostToken: String? = nil, users: [User] = [],
        maxBodyBytes: Int = 16 * 1024, maxClockSkew: Double = 300, replyHosts: [String] = ["hooks.slack.com"]
    ) {
        self.replyHosts = replyHosts
        self.slackSigningSecret = slackSigningSecret
        self.mattermostToken = mattermostToken
        self.users = users
        self.maxBodyBytes = maxBodyBytes
        self.maxClockSkew = maxClockSkew
    }
}

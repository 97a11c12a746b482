import TrainyardCore

/// A command about one pipeline schedule, from the API or chat.
public struct ScheduleCommandEvent: Hashable, Codable, Sendable {
    public enum Action: Hashable, Codable, Sendable {
        /// Run a pipeline now, apart from the slots.
        case run
        case pause
        case resume
        /// Create or replace a schedule defined through the API.
        case define(ScheduleDefinition)
        /// Remove a schedule defined through the API.
        case delete
    }

    public var name: String
    public var action: Action
    /// Who asked (`carol (API)`, `alice (Slack)`).
    public var by: String
    /// Where the outcome is answered later for a chat command (its `response_url`).
    public var replyURL: String?
    /// The forge username of the chat user who asked: their role in the schedule's project is
    /// checked (running takes the project's merge role, pausing and resuming its control role).
    /// Nil for the API, whose token is trusted.
    public var forgeUser: String?

    public init(name: String, action: Action, by: String, replyURL: String? = nil, forgeUser: String? = nil) {
        self.name = name
        self.action = action
        self.by = by
        self.replyURL = replyURL
        self.forgeUser = forgeUser
    }
}

import TrainyardCore

/// A pipeline created for a schedule, as the forge answered.
public struct ScheduledPipeline: Hashable, Sendable {
    public var id: Int
    public var webURL: String?
    /// The forge's status word (`created`, `pending`, `running`, …).
    public var status: String

    public init(id: Int, webURL: String?, status: String) {
        self.id = id
        self.webURL = webURL
        self.status = status
    }
}

/// What schedules need of a forge beyond what trains do.
public protocol SchedulingForge: Sendable {
    /// Creates a pipeline on `ref` with `variables` (which include the slot's marker,
    /// ``ScheduleDefinition/slotVariable``). With `searchEarlier`, a pipeline an earlier try made
    /// for the same marker is found and returned instead, so that a repeated try creates nothing.
    func createScheduledPipeline(
        project: ProjectSettings, ref: String, variables: [String: String], searchEarlier: Bool
    ) async throws -> ScheduledPipeline
}

/// An alert or recovery message about a schedule, for people.
public struct ScheduleMessage: Hashable, Sendable {
    public var schedule: String
    public var project: String
    public var ref: String
    /// `failing` or `recovered`.
    public var kind: String
    public var text: String
    public var webURL: String?
    public var at: Instant

    public init(
        schedule: String, project: String, ref: String, kind: String, text: String, webURL: String?, at: Instant
    ) {
        self.schedule = schedule
        self.project = project
        self.ref = ref
        self.kind = kind
        self.text = text
        self.webURL = webURL
        self.at = at
    }
}

/// Where schedule alerts go: a Slack or Mattermost incoming webhook, a generic webhook.
public protocol AlertPort: Sendable {
    /// The names of the configured destinations (`slack`, `mattermost`, `webhook`).
    var destinations: [String] { get }
    /// Sends `message` to one destination; throws when it did not take it.
    func send(_ message: ScheduleMessage, to destination: String) async throws
}

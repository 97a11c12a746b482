/// One entry of a train's decision log: what the train decided, about which changes and cars,
/// why, and who asked. Read by `GET /api/v1/projects/{project}/events` and `status`.
public struct Decision: Hashable, Codable, Sendable {
    public enum Kind: String, Hashable, Codable, Sendable, CaseIterable {
        case queued
        /// A car was planned: its changes on top of the target.
        case carBuilt = "car_built"
        case pipelineStarted = "pipeline_started"
        case passed
        case failed
        /// A change was removed because a car holding it failed.
        case blamed
        /// A change was removed for another reason (taken off, a conflict, closed, updated).
        case removed
        case landed
        case paused
        case resumed
        case reprioritized
        /// A failed car was run again because somebody asked (`retry`).
        case retried
    }

    public var kind: Kind
    /// The changes it is about (a car's changes for car and pipeline decisions).
    public var changes: [Int]
    public var car: Int?
    public var pipeline: Int?
    /// Why, in words a person can act on (the note's words, where a note was posted).
    public var reason: String
    /// Who asked, when somebody did (`@alice`, `@alice (Slack)`, `carol (API)`).
    public var by: String?

    public init(
        kind: Kind, changes: [Int] = [], car: Int? = nil, pipeline: Int? = nil, reason: String, by: String? = nil
    ) {
        self.kind = kind
        self.changes = changes
        self.car = car
        self.pipeline = pipeline
        self.reason = reason
        self.by = by
    }
}

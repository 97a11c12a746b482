/// One speculative build: the target head it starts from plus the ordered changes merged on top.
///
/// A car's tree is `base + changes[0] + … + changes[k]`. Cars of a train cover growing prefixes
/// of the queue: car 1 holds the first change, car 2 the first two, and so on.
public struct Car: Hashable, Codable, Sendable {
    public let id: CarID
    /// The target head the car was built on.
    public var base: SHA
    /// The changes in the car, oldest first, with the heads they were built with.
    public var changes: [Change] { didSet { contentKey = Memo(CarKey(changes.lazy.map(\.number))) } }
    /// The key of the change numbers, kept with them (see ``key``).
    public private(set) var contentKey: Memo<CarKey>
    public var status: Status
    /// The car's merge commit, once built.
    public var commit: SHA?
    /// The pipeline testing the car, once started.
    public var pipeline: PipelineID?
    /// How many times the car's pipeline was restarted after somebody else cancelled it.
    public var restarts: Int
    /// Why the car failed, in words for the removal note.
    public var failure: String?
    /// How many landing pushes of this car were refused.
    public var landingRejections: Int
    /// Pipelines of this car that were cancelled and replaced; their late events are stale.
    public var retiredPipelines: [PipelineID]
    /// The first tick that saw the current pipeline running, for the timeout.
    public var testingSince: Instant?
    /// How many times the car's pipeline timed out.
    public var timeouts: Int
    /// How many failed pipelines of this car were run again (the flake budget).
    public var reruns: Int
    /// When the pipeline's state was last asked for (or first seen running).
    public var lastPolled: Instant?
    /// A check on the car's commit moved before its pipeline was known (GitHub's workflows start
    /// at the push): its verdict is read as soon as the pipeline is.
    public var checksMovedEarly: Bool?
    /// The longest car of the train this car extended when it was built; while that car is in the
    /// train, this car starts with it (see `Train+CarLinks.swift`).
    public var parent: CarID?
    /// When the car was built and when it passed, as far as the train knew the time (see
    /// `Train+Suspects.swift`).
    public var builtAt: Instant?
    public var passedAt: Instant?
    /// For a failed probe: a car holding its change passed since, so the failure was a flake and
    /// the change counts as passed alone (see `Train+Suspects.swift`).
    public var overruled: Bool?

    public init(id: CarID, base: SHA, changes: [Change]) {
        self.id = id
        self.base = base
        self.changes = changes
        self.contentKey = Memo(CarKey(changes.lazy.map(\.number)))
        self.status = .building
        self.commit = nil
        self.pipeline = nil
        self.restarts = 0
        self.failure = nil
        self.landingRejections = 0
        self.retiredPipelines = []
        self.testingSince = nil
        self.timeouts = 0
        self.lastPolled = nil
        self.reruns = 0
    }

    /// Where a car is in its life.
    public enum Status: String, Hashable, Codable, Sendable, CaseIterable {
        /// `buildCar` was emitted; waiting for the merge commit.
        case building
        /// Built; `startPipeline` was emitted; waiting for the pipeline id.
        case starting
        /// The pipeline exists and has not finished.
        case testing
        case passed
        case failed
        /// `land` was emitted; waiting for the target to move to the car's commit.
        case landing
    }

    /// Whether the car is on its way to a result: being built, started or tested.
    /// The car's change numbers as a ``CarKey``, kept since the changes last changed (worked out
    /// again for a car stored before keys were kept).
    public var key: CarKey { contentKey.value ?? CarKey(changes.lazy.map(\.number)) }

    public var isInFlight: Bool { status == .building || status == .starting || status == .testing }

    /// Whether the car's changes begin with exactly `prefix` (same numbers and heads), so its tree
    /// holds the tree of a car with those changes.
    public func starts(with prefix: ArraySlice<Change>) -> Bool { Car.starts(changes, with: prefix) }

    /// Whether `changes` begin with exactly `prefix` (same numbers and heads). The last change
    /// differs most often, so it is compared first, and fields are compared in place: this runs
    /// for many pairs of cars on every event of a long train.
    static func starts(_ changes: [Change], with prefix: ArraySlice<Change>) -> Bool {
        guard changes.count >= prefix.count else { return false }
        guard !prefix.isEmpty else { return true }
        let offset = prefix.startIndex
        let last = prefix.count - 1
        guard changes[last].number == prefix[offset + last].number else { return false }
        for index in 0..<prefix.count
        where changes[index].number != prefix[offset + index].number
            || changes[index].head != prefix[offset + index].head
        {
            return false
        }
        return true
    }

    /// Whether the car's pipeline is being run again after a failure (the flake budget).
    public var isRerunning: Bool { reruns > 0 && (status == .starting || status == .testing) }

    /// The newest change in the car: the one a failure of this car (and not of the car ahead) blames.
    public var newest: Change { changes[changes.count - 1] }

    /// The changes' numbers, for messages: `!3, !5 and !8`.
    public var changeList: String { Car.list(changes.map(\.reference)) }

    public static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return "nothing"
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
        }
    }
}

/// The merge train of one project's target branch: a queue of changes and the speculative cars
/// that test them.
///
/// `Train` is a pure state machine. Each event method is named as a fact that happened and returns
/// the actions the engine must carry out; nothing here reads a clock, touches a file or talks to
/// the network. The train keeps these promises (checked by the randomized tests):
/// - the target only moves to the commit of a car whose pipeline passed, by fast-forward;
/// - a change lands only with the head it was queued with;
/// - every change ends landed, or removed with a reason a person can act on.
public struct Train: Hashable, Codable, Sendable {
    public let id: TrainID
    public var settings: TrainSettings
    /// Where the target branch points, as far as the train knows; `nil` until first fetched.
    public var targetHead: SHA?
    /// The changes waiting to land, in landing order.
    public var queue: [Change]
    /// The cars in flight, shortest first; each holds an ordered subset of the queue (a prefix for
    /// every planner but the reparenting ones) on top of `targetHead`.
    public var cars: [Car]
    /// Changes tested alone for information (`adaptive`; see `Train+Probes.swift`); `nil` when none.
    public var probes: [Car]?
    /// The number the next car (or probe) gets.
    public var nextCar: Int
    /// Whether a `fetchTarget` is outstanding.
    public var fetchingTarget: Bool
    /// Why the train is paused, and by whom; `nil` while it runs.
    public var pause: Pause?
    /// When the target was last re-read on a tick.
    public var lastTargetCheck: Instant?
    /// A target head reported while a car was landing; applied once the landing's result is known,
    /// because until then the train cannot tell whether it came before or after our push.
    public var deferredTarget: SHA?
    /// The last commit status posted for each queued change, so that only changes are posted.
    public var reported: [Int: StatusReport]
    /// The most recent landings, newest last, so that a late or replayed command cannot queue a
    /// change that already landed (a merged merge request is merged for good).
    public var recentlyLanded: [LandedChange]
    /// The `zuul` planner's AIMD window; `nil` until it first changes.
    public var window: Int?
    /// What the train learnt from its history (failure and flake rates) for adaptive planning.
    public var stats: PlannerStats?
    /// How many times each queued change's failure was run again before blaming it (`adaptive`),
    /// kept across cars so that a change whose evidence went with a landing is not re-run anew.
    public var suspicions: [Int: Int]?
    /// The latest time the train was told of (ticks and the times changes were queued): the train
    /// has no clock of its own.
    public var now: Instant?
    /// When the train wants a `tick` to go on (the end of `bors`' batch delay); `nil` when it
    /// waits for nothing but events.
    public var wakeAt: Instant?
    /// The CI budget this train shares with the other trains, as the engine read it before the
    /// event; `nil` when there is no shared budget. See ``ciAllowance``.
    public var sharedBudget: SharedBudget?
    /// What the last full pass over the cars planned with, when it settled; empty when it did not
    /// (see ``SettledPlan``).
    public var settledPlan = Memo<SettledPlan>()
    /// Chat commands still waiting for later answers, by change: the train's later notes on the
    /// change go there too (the engine fills and reads this; the train never does).
    public var chatFollowers: [Int: ChatFollower]?
    /// Changes tried (`try`): each tested alone on the target, never landed; `nil` when none.
    public var trials: [Car]?
    /// When the engine's reconciler last compared the train with the forge: comments written since
    /// (less an overlap) are looked at on its next pass. The engine fills and reads this; the train
    /// never does.
    public var reconciledAt: Instant?
    /// The reconciler's first pass over the train: comments from before it are history, never
    /// replayed, whatever the overlap. Filled by the engine too.
    public var reconcilingSince: Instant?

    public init(id: TrainID, settings: TrainSettings = TrainSettings()) {
        self.id = id
        self.settings = settings
        self.targetHead = nil
        self.queue = []
        self.cars = []
        self.nextCar = 1
        self.fetchingTarget = false
        self.deferredTarget = nil
        self.pause = nil
        self.lastTargetCheck = nil
        self.reported = [:]
        self.recentlyLanded = []
    }

    /// Applies one event and returns what must be done about it.
    public mutating func apply(_ event: TrainEvent) -> [TrainAction] {
        apply(event, skippingSettledPass: true)
    }

    /// A copy of the train with `event` applied, and the actions, for the randomized tests that
    /// compare skipping the settled pass with running it.
    func applyCopy(_ event: TrainEvent, skippingSettledPass: Bool) -> (Train, [TrainAction]) {
        var copy = self
        let actions = copy.apply(event, skippingSettledPass: skippingSettledPass)
        return (copy, actions)
    }

    /// Applies one event; with `skippingSettledPass: false` the full pass over the cars runs after
    /// every event, even a step along the way after a settled pass (see ``SettledPlan``).
    mutating func apply(_ event: TrainEvent, skippingSettledPass: Bool) -> [TrainAction] {
        var actions: [TrainAction] = []
        let skip = skippingSettledPass && event.onlyMovesACarAlong && planIsSettled
        if case .checksReported(let car, let commit) = event {
            checksReported(car, commit: commit, &actions)
            return actions
        }
        if trialEvent(event, &actions) { return actions }
        if probeEvent(event, &actions) {
            // Probes never speak for a change in the statuses: after a step of one, no status moved.
            if !skip { advance(&actions) }
            return actions
        }
        // After a car's step, the statuses move only if the state the car shows did (building and
        // starting are both pending; testing is running).
        let shown = skip ? event.car.flatMap(carIndex).map { Self.state(of: cars[$0]) } : nil
        var note: Int?
        switch event {
        case .changeEnqueued(let change): note = changeEnqueued(change, &actions)
        case .changeDequeued(let number, let by): changeDequeued(number, by: by, &actions)
        case .changeReprioritized(let number, let priority, let by):
            changeReprioritized(number, priority: priority, by: by, &actions)
        case .changeUpdated(let number, let head): changeUpdated(number, head: head, &actions)
        case .changeClosed(let number): changeClosed(number, &actions)
        case .changeMerged(let number): changeMerged(number, &actions)
        case .targetMoved(let head): targetMoved(head, &actions)
        case .targetPushed(let head): targetPushed(head, &actions)
        case .carBuilt(let car, let commit): carBuilt(car, commit: commit, &actions)
        case .carConflicted(let car, let change, let paths): carConflicted(car, change: change, paths: paths, &actions)
        case .carBuildFailed(let car, let change, let message):
            carBuildFailed(car, change: change, message: message, &actions)
        case .pipelineCreated(let car, let pipeline, let commit):
            pipelineCreated(car, pipeline: pipeline, commit: commit, &actions)
            readChecksMovedEarly(car, &actions)
        case .pipelineCreationFailed(let car, let message): pipelineCreationFailed(car, message: message, &actions)
        case .pipelineUpdated(let car, let pipeline, let commit, let state):
            pipelineUpdated(car, pipeline: pipeline, commit: commit, state: state, &actions)
        case .carLanded(let car, let commit): carLanded(car, commit: commit, &actions)
        case .landingRejected(let car, let message): landingRejected(car, message: message, &actions)
        case .trainPaused(let reason, let by): trainPaused(reason: reason, by: by, &actions)
        case .trainResumed(let by): trainResumed(by: by, &actions)
        case .carRetried(let number, let by): carRetried(number, by: by, &actions)
        case .changeTried(let change): changeTried(change, &actions)
        case .tick(let now): tick(now, &actions)
        case .checksReported: break
        }
        if !skip {
            advance(&actions)
        } else if shown == nil || shown != event.car.flatMap(carIndex).map({ Self.state(of: cars[$0]) }) {
            reportPositions(&actions)
        }
        if let note { addETA(toNote: note, &actions) }
        return actions
    }

    /// Whether the last full pass settled with the settings and shared budget the train has now,
    /// and no wake-up it asked for is due (see ``SettledPlan``).
    var planIsSettled: Bool {
        guard settledPlan.value == SettledPlan(settings: settings, budget: sharedBudget) else { return false }
        guard let wake = wakeAt else { return true }
        return now.map { $0.milliseconds < wake.milliseconds } ?? false
    }

    /// The 1-based position of a queued change.
    public func position(of number: Int) -> Int? {
        queue.firstIndex { $0.number == number }.map { $0 + 1 }
    }

    /// The index in `cars` of the car with this id.
    func carIndex(_ id: CarID) -> Int? { cars.firstIndex { $0.id == id } }

    /// The car being landed, if any.
    var landingIndex: Int? { cars.indices.first { cars[$0].status == .landing } }

    /// The name of the branch a car is pushed to: `trainyard/<target>/<car>`.
    public func ref(for car: CarID) -> String { id.carBranch(car) }
}

/// Settings of one train, from the project's configuration.
public struct TrainSettings: Hashable, Codable, Sendable {
    /// How many cars may be in flight at once.
    public var maxParallel: Int
    /// How many times a car whose pipeline somebody else cancelled is restarted before its newest
    /// change is removed.
    public var cancelRestarts: Int
    /// How many refused landing pushes are retried (after re-reading the target) before the car's
    /// changes are removed.
    public var landingAttempts: Int
    /// The command the train's notes tell people to use to queue a change again
    /// (`@trainyard merge`; GitLab keeps `/merge` for its own quick action).
    public var mergeCommand: String
    /// The policy that chooses the cars and the blame.
    public var planner: PlannerKind
    /// How long a pipeline may run before it is restarted once, then its car counts as failed.
    public var pipelineTimeout: Int64
    /// How many times a failed pipeline is run again before its car counts as failed: a budget
    /// for flaky tests (0 by default: a failure counts at once).
    public var flakeRetries: Int
    /// How often (in milliseconds, on ticks) a running pipeline is polled and the target re-read,
    /// in case a webhook was lost.
    public var pollInterval: Int64
    /// The planner's own settings (batch size, depths, windows, delays).
    public var plannerSettings: PlannerSettings

    public init(
        maxParallel: Int = 8, cancelRestarts: Int = 1, landingAttempts: Int = 3,
        mergeCommand: String = "@trainyard merge",
        planner: PlannerKind = .prefix, pipelineTimeout: Int64 = 3 * 3_600_000, pollInterval: Int64 = 120_000,
        flakeRetries: Int = 0, plannerSettings: PlannerSettings = PlannerSettings()
    ) {
        self.plannerSettings = plannerSettings
        self.flakeRetries = max(0, flakeRetries)
        self.pollInterval = pollInterval
        self.planner = planner
        self.pipelineTimeout = pipelineTimeout
        self.maxParallel = max(1, maxParallel)
        self.cancelRestarts = cancelRestarts
        self.landingAttempts = landingAttempts
        self.mergeCommand = mergeCommand
    }
}

extension TrainSettings {
    /// Decodes settings stored before a field existed with that field's default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            maxParallel: try container.decode(Int.self, forKey: .maxParallel),
            cancelRestarts: try container.decode(Int.self, forKey: .cancelRestarts),
            landingAttempts: try container.decode(Int.self, forKey: .landingAttempts),
            mergeCommand: try container.decode(String.self, forKey: .mergeCommand),
            planner: try container.decode(PlannerKind.self, forKey: .planner),
            pipelineTimeout: try container.decode(Int64.self, forKey: .pipelineTimeout),
            pollInterval: try container.decode(Int64.self, forKey: .pollInterval),
            flakeRetries: try container.decodeIfPresent(Int.self, forKey: .flakeRetries) ?? 0,
            plannerSettings: try container.decodeIfPresent(PlannerSettings.self, forKey: .plannerSettings)
                ?? PlannerSettings())
    }
}

/// A change that landed: its number, the head that landed and the target commit.
public struct LandedChange: Hashable, Codable, Sendable {
    public var number: Int
    public var head: SHA
    public var commit: SHA
}

/// Why a train is paused.
public struct Pause: Hashable, Codable, Sendable {
    public var reason: String
    public var by: String
}

/// A commit status as last posted for a change.
public struct StatusReport: Hashable, Codable, Sendable {
    public var head: SHA
    public var state: CommitState
    public var description: String
}

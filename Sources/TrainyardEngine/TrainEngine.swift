import Logging
import Synchronization
import TrainyardCore

/// Drives every train: applies stored deliveries to the trains' state machines and executes the
/// actions they return.
///
/// Each owner (a train, or a project whose deliveries still need routing) has its own driver, a
/// task that works through that owner's inbox rows, actions and timers in order and otherwise
/// sleeps until it is rung or its next timer is due. A forge that is slow for one project holds
/// only that project's drivers. The engine keeps nothing that matters in memory: everything it
/// knows is in the store, so a restart resumes where it stopped.
public actor TrainEngine {
    let store: any EngineStore
    let git: any GitPort
    let forges: [String: any ForgePort]
    /// Answers chat commands later (Slack's and Mattermost's `response_url`); nil drops them.
    let chat: (any ChatPort)?
    let projects: [ProjectKey: ProjectSettings]
    let clock: @Sendable () -> Instant
    let logger: Logger
    let mention: String
    /// The CI budget shared by every train, if one is configured.
    let ciBudget: CIBudget?
    /// How many times a failing action is tried before it counts as failed for good.
    let maxAttempts: Int
    /// Milliseconds between two looks at a train's running pipelines (the `poll` timer).
    let pollInterval: Int64
    let drivers = DriverRegistry()
    /// Deliveries on their way into the store, written together when they arrive together.
    public nonisolated let intake: GroupCommit
    let stopping = Atomic<Bool>(false)
    /// Set while ``run()`` runs.
    let started = Atomic<Bool>(false)
    /// Set when several replicas share the store: owners are then driven under leases.
    let replica: ReplicaSettings?
    let renewals = RenewalClock()
    /// Days of finished history kept (`retention_days`); `nil` keeps it all.
    let retentionDays: Int?
    /// The schedules of the configuration, by name (the API's are in the store).
    let scheduleDefinitions: [String: ScheduleDefinition]
    /// Where schedule alerts go; nil sends none (they still show in the API).
    let alerts: (any AlertPort)?
    /// How many clock milliseconds pass per real one (a test clock runs faster): waits until a
    /// time on the clock are divided by it.
    let clockRate: Int64
    /// The browser, deploy endpoint and screenshot folder of review apps; nil runs none.
    let reviewAppServices: ReviewAppServices?
    /// Milliseconds between two passes of the reconciler over each train; nil runs none.
    let reconcileInterval: Int64?
    /// Where landings, removals, pipelines and the engine's own latency are counted.
    public nonisolated let metrics: ServiceMetrics

    public init(
        store: any EngineStore, git: any GitPort, forges: [String: any ForgePort], projects: [ProjectSettings],
        clock: @escaping @Sendable () -> Instant, logger: Logger, mention: String = "trainyard", maxAttempts: Int = 5,
        ciBudget: CIBudget? = nil, pollInterval: Int64 = 30_000, replica: ReplicaSettings? = nil,
        retentionDays: Int? = nil, chat: (any ChatPort)? = nil, schedules: [ScheduleDefinition] = [],
        alerts: (any AlertPort)? = nil, clockRate: Int64 = 1, reviewApps: ReviewAppServices? = nil,
        reconcileInterval: Int64? = nil, metrics: ServiceMetrics = .none
    ) {
        self.metrics = metrics
        self.reconcileInterval = reconcileInterval
        self.reviewAppServices = reviewApps
        self.clockRate = max(1, clockRate)
        self.scheduleDefinitions = Dictionary(schedules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.alerts = alerts
        self.chat = chat
        self.replica = replica
        self.retentionDays = retentionDays
        self.ciBudget = ciBudget
        self.store = store
        self.intake = GroupCommit(store: store)
        self.git = git
        self.forges = forges
        self.projects = Dictionary(projects.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        self.clock = clock
        self.logger = logger
        self.mention = mention
        self.maxAttempts = maxAttempts
        self.pollInterval = pollInterval
    }

    /// Stores a verified delivery durably, routed to its owner, and wakes that owner's driver.
    /// Safe to call from any task; it does not wait for the driver. Deliveries accepted at the
    /// same time share one transaction (``GroupCommit``); each returns once it is durable.
    public nonisolated func accept(_ delivery: Delivery) async throws -> InboxInsert {
        var delivery = delivery
        if delivery.trace == nil { delivery.trace = TraceParent.current() }
        let now = clock()
        if let copy = reviewAppsCopy(of: delivery), let owner = copy.owner {
            // The project's review apps get their own row, and are told even when no train is.
            if case .stored = try await intake.write(copy) { drivers.ring(owner) }
        }
        switch route(delivery) {
        case .owner(let owner):
            let result = try await intake.write(InboxEntry(delivery: delivery, owner: owner, at: now))
            if case .stored = result { drivers.ring(owner) }
            return result
        case .done(let outcome):
            return try await intake.write(InboxEntry(delivery: delivery, owner: nil, outcome: outcome, at: now))
        }
    }

    /// The schedules of the configuration.
    public nonisolated var configuredSchedules: [ScheduleDefinition] {
        scheduleDefinitions.values.sorted { $0.name < $1.name }
    }

    /// Stops the drivers after the work each has in hand; ``run()`` then returns.
    public nonisolated func stop() {
        stopping.store(true, ordering: .relaxed)
        drivers.close()
    }

    /// Whether ``run()`` drives the trains: started and not stopping (`/readyz`).
    public nonisolated var isRunning: Bool { started.load(ordering: .relaxed) && !stopping.load(ordering: .relaxed) }

    /// Whether ``stop()`` was called: long-lived answers (the dashboard's update stream) end.
    public nonisolated var isShuttingDown: Bool { stopping.load(ordering: .relaxed) }

    /// The engine's clock now.
    public nonisolated var now: Instant { clock() }

    /// How many clock seconds pass per real one (1 but under a test clock).
    public nonisolated var clockSpeed: Int64 { clockRate }

    /// How many drivers are running.
    public nonisolated var driverCount: Int { drivers.count }

    /// Does one unit of work of any owner: the oldest due delivery, else the oldest due action.
    /// Returns `false` when there was nothing to do. For tests and `trainyard replay`, which run
    /// no drivers.
    @discardableResult
    public func step() async throws -> Bool {
        let now = clock()
        try await routeUnrouted()
        if let row = try await store.nextInbox(owner: nil, now: now) {
            try await handle(row, now: now)
            return true
        }
        if let row = try await store.nextOutbox(owner: nil, now: now) {
            try await execute(row)
            return true
        }
        return false
    }

    /// Tells every train with work what time it is, for pipeline timeouts and polling.
    public func tick(now: Instant) async throws {
        for train in try await store.trains() where !train.queue.isEmpty {
            let key = ProjectKey(forge: train.id.forge, path: train.id.project)
            guard let project = projects[key] else { continue }
            try await apply([.tick(now: now)], to: train.id, project: project, finishing: nil)
        }
    }

    /// Fires the trains' own wake-ups and budget wake-ups that are due (not the regular polls).
    public func tickWakeups(now: Instant) async throws {
        let due = try await store.dueTimers(now: now, owner: nil).filter { $0.name != TrainTimer.poll }
        for owner in Set(due.map(\.owner)).sorted(by: { $0.key < $1.key }) {
            try await fire(due.filter { $0.owner == owner }, owner: owner, now: now)
        }
    }

    /// Runs steps until there is no due work left (tests and `trainyard replay`).
    public func drain(limit: Int = 10_000) async throws {
        var count = 0
        while try await step() {
            count += 1
            if count >= limit { break }
        }
    }

    /// Milliseconds to wait before the next try: 1 s, 2 s, 4 s … up to 5 minutes.
    static func backoff(attempt: Int) -> Int64 {
        let exponent = min(max(attempt, 0), 9)
        return min(Int64(1000) << Int64(exponent), 300_000)
    }

    /// Applies events to one train and commits its new state with the resulting actions and
    /// timers. `firing` are the timers that led to the events.
    func apply(
        _ events: [TrainEvent], to id: TrainID, project: ProjectSettings, also extra: [TrainAction] = [],
        firing: [DueTimer] = [], finishing: Finishing?, replyTo: ChatReplyTarget? = nil,
        timers extraTimers: [TimerChange] = [], prepare: (inout Train) -> Void = { _ in }
    ) async throws {
        var train = try await store.train(id) ?? Train(id: id, settings: project.train)
        train.settings = project.train
        prepare(&train)
        let budget = try await budgetSnapshot(for: id)
        train.sharedBudget = budget?.shared
        // The train has no clock: it learns the time with every event, so that the durations it
        // learns (and the ETAs it gives) are measured in wall-clock time, not in ticks.
        let now = clock()
        if train.now.map({ $0 < now }) ?? true { train.now = now }
        let before = train.planner.demand(of: train)
        var actions: [TrainAction] = extra
        var decisions: [Decision] = []
        var measurements: [TrainMeasurement] = []
        for event in events {
            let before = train
            let produced = train.apply(event)
            let decided = train.decisions(for: event, before: before, actions: produced)
            decisions += decided
            measurements += train.measurements(for: event, before: before, decisions: decided, now: now)
            logger.debug(
                "train event", metadata: ["train": "\(id)", "event": "\(event)", "actions": "\(produced.count)"])
            actions += produced
        }
        if let replyTo {
            let mirrored = replyTo.mirrored(actions)
            replyTo.follow(&train, posted: mirrored.count - actions.count, now: now)
            actions = mirrored
        } else {
            actions = ChatReplyTarget.followed(actions, train: &train, now: now)
        }
        let me = Owner.train(id)
        var timers = firing.map { TimerChange(owner: $0.owner, name: $0.name, .fired($0.due)) } + extraTimers
        timers.append(TimerChange(owner: me, name: TrainTimer.wake, train.wakeAt.map { .set($0) } ?? .clear))
        timers.append(
            TimerChange(
                owner: me, name: TrainTimer.poll,
                train.queue.isEmpty ? .clear : .ifAbsent(now.adding(milliseconds: pollInterval))))
        var woken: [TrainID] = []
        let after = train.planner.demand(of: train)
        if let budget, after.inFlight < before.inFlight || after.wants < before.wants {
            // Cars finished, or the train is owed less: trains waiting for budget get a tick.
            woken = budget.waiting
            timers += woken.map { TimerChange(owner: .train($0), name: TrainTimer.budget, .earliest(now)) }
        }
        try await save(
            train: id, state: train, actions: actions, decisions: decisions, timers: timers, finishing: finishing,
            at: now)
        // Counted once committed: an event retried after a failed commit is not counted twice.
        metrics.record(measurements, train: id)
        for other in woken { drivers.ring(.train(other)) }
    }

    /// Commits a train's new state, actions and timers, fenced by the driver's lease when there is
    /// one (a replica that lost the lease gets ``FencedError`` and writes nothing).
    func save(
        train id: TrainID, state: Train?, actions: [TrainAction], decisions: [Decision] = [],
        timers: [TimerChange] = [], finishing: Finishing?, at: Instant
    ) async throws {
        // The actions carry the trace of the event that decided them (see ``TraceParent``).
        try await TraceParent.$forActions.withValue(TraceParent.current()) {
            try await commit(
                train: id, state: state, actions: actions, decisions: decisions, timers: timers, finishing: finishing,
                at: at)
        }
    }

    private func commit(
        train id: TrainID, state: Train?, actions: [TrainAction], decisions: [Decision], timers: [TimerChange],
        finishing: Finishing?, at: Instant
    ) async throws {
        if let lease = DriverLease.current {
            try await store.commit(
                train: id, state: state, actions: actions, decisions: decisions, timers: timers, finishing: finishing,
                at: at, fence: lease)
        } else {
            try await store.commit(
                train: id, state: state, actions: actions, decisions: decisions, timers: timers, finishing: finishing,
                at: at)
        }
    }

    func trainID(_ project: ProjectSettings, _ target: String) -> TrainID {
        TrainID(forge: project.key.forge, project: project.key.path, target: target)
    }
}

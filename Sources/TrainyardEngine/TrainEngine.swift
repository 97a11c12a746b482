import Logging
import TrainyardCore

/// Drives every train: applies stored deliveries to the trains' state machines and executes the
/// actions they return, one unit of work at a time.
///
/// The engine owns no state of its own beyond its configuration: everything it knows is in the
/// store, so a restart resumes where it stopped. Each unit of work is one transaction; each
/// action is safe to repeat.
public actor TrainEngine {
    let store: any EngineStore
    let git: any GitPort
    let forges: [String: any ForgePort]
    let projects: [ProjectKey: ProjectSettings]
    let clock: @Sendable () -> Instant
    let logger: Logger
    let mention: String
    /// The CI budget shared by every train, if one is configured.
    let ciBudget: CIBudget?
    /// How many times a failing action is tried before it counts as failed for good.
    let maxAttempts: Int
    /// When trains asked to be ticked (`Train.wakeAt`), as of their last change in this process;
    /// after a restart the regular tick covers them.
    var wakeups: [TrainID: Instant] = [:]
    private let wakeSignal: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation

    public init(
        store: any EngineStore, git: any GitPort, forges: [String: any ForgePort], projects: [ProjectSettings],
        clock: @escaping @Sendable () -> Instant, logger: Logger, mention: String = "trainyard", maxAttempts: Int = 5,
        ciBudget: CIBudget? = nil
    ) {
        self.ciBudget = ciBudget
        self.store = store
        self.git = git
        self.forges = forges
        self.projects = Dictionary(projects.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        self.clock = clock
        self.logger = logger
        self.mention = mention
        self.maxAttempts = maxAttempts
        (wakeSignal, wakeContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Stores a verified delivery durably and wakes the engine. Safe to call from any task; it
    /// does not wait for the engine to finish its current work.
    public nonisolated func accept(_ delivery: Delivery) async throws -> InboxInsert {
        let result = try await store.insert(delivery, at: clock())
        if case .stored = result { wakeContinuation.yield() }
        return result
    }

    /// Asks the engine to look for work now.
    public nonisolated func wake() { wakeContinuation.yield() }

    /// Works until the task is cancelled: whenever there is nothing to do it waits for a wake-up
    /// or `pollInterval`, whichever comes first (retries with a due time need the poll).
    public func run(pollInterval: Duration = .milliseconds(500), tickInterval: Int64 = 30_000) async {
        logger.info("engine started", metadata: ["projects": "\(projects.count)"])
        var lastTick = clock()
        while !Task.isCancelled {
            do {
                if clock().milliseconds - lastTick.milliseconds >= tickInterval {
                    lastTick = clock()
                    try await tick(now: lastTick)
                }
                try await tickWakeups(now: clock())
                if try await step() { continue }
            } catch {
                logger.error("engine step failed", metadata: ["error": "\(error)"])
            }
            await waitForWake(timeout: pollInterval)
        }
    }

    private func waitForWake(timeout: Duration) async {
        let signal = wakeSignal
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var iterator = signal.makeAsyncIterator()
                _ = await iterator.next()
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            _ = await group.next()
            group.cancelAll()
        }
    }

    /// Does one unit of work: the oldest due delivery, else the oldest due action.
    /// Returns `false` when there was nothing to do.
    @discardableResult
    public func step() async throws -> Bool {
        let now = clock()
        if let row = try await store.nextInbox(now: now) {
            do {
                try await process(row)
            } catch {
                if error is PermanentError || row.attempts + 1 >= maxAttempts * 2 {
                    logger.error(
                        "delivery failed",
                        metadata: ["inbox": "\(row.id)", "kind": "\(row.delivery.kind)", "error": "\(error)"])
                    try await store.finishInbox(row.id, outcome: "failed: \(error)", at: now)
                } else {
                    let delay = Self.backoff(attempt: row.attempts)
                    logger.warning(
                        "delivery will be retried",
                        metadata: ["inbox": "\(row.id)", "kind": "\(row.delivery.kind)", "error": "\(error)"])
                    try await store.retryInbox(row.id, error: "\(error)", notBefore: now.adding(milliseconds: delay))
                }
            }
            return true
        }
        if let row = try await store.nextOutbox(now: now) {
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

    /// Ticks the trains whose wake-up time has come.
    public func tickWakeups(now: Instant) async throws {
        for (id, at) in wakeups where at <= now {
            wakeups[id] = nil
            let key = ProjectKey(forge: id.forge, path: id.project)
            guard let project = projects[key] else { continue }
            try await apply([.tick(now: now)], to: id, project: project, finishing: nil)
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

    /// Applies events to one train and commits its new state with the resulting actions.
    func apply(
        _ events: [TrainEvent], to id: TrainID, project: ProjectSettings, also extra: [TrainAction] = [],
        finishing: Finishing?
    ) async throws {
        var train = try await store.train(id) ?? Train(id: id, settings: project.train)
        train.settings = project.train
        let budget = try await budgetSnapshot(for: id)
        train.sharedBudget = budget?.shared
        let before = train.settings.planner.demand(of: train)
        var actions: [TrainAction] = extra
        for event in events {
            let produced = train.apply(event)
            logger.debug(
                "train event", metadata: ["train": "\(id)", "event": "\(event)", "actions": "\(produced.count)"])
            actions += produced
        }
        wakeups[id] = train.wakeAt
        let after = train.settings.planner.demand(of: train)
        if let budget, after.inFlight < before.inFlight || after.wants < before.wants {
            // Cars finished, or the train is owed less: trains waiting for budget get a tick.
            for other in budget.waiting { wakeups[other] = clock() }
        }
        try await store.commit(train: id, state: train, actions: actions, finishing: finishing, at: clock())
    }

    func trainID(_ project: ProjectSettings, _ target: String) -> TrainID {
        TrainID(forge: project.key.forge, project: project.key.path, target: target)
    }
}

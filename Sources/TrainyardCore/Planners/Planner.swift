/// A planner: the policy a train follows to choose its cars and whom to blame.
///
/// Every planner works on the same model (see `docs/planners.md`): a car is the target head plus
/// an ordered subset of the queue; facts about passed and failed cars decide what lands and whom
/// to blame. The shared rules (landing the longest passed prefix, blaming a failed car's newest
/// change once everything ahead of it passed) live in the train (`Train+Planning.swift`); a
/// planner says which cars it wants (``plan(for:held:)``) and answers the few questions on which
/// the planners differ. Each planner is one type; ``PlannerKind`` names them in configuration.
/// The defaults below are those of a plain prefix train.
public protocol Planner: Sendable {
    /// The planner's name in configuration (`planner: adaptive`).
    var kind: PlannerKind { get }

    /// The `planner_settings` keys the planner reads (see `docs/configuration.md`).
    var settingKeys: [String] { get }

    /// Whether cars may skip queued changes (reparenting); otherwise every car is a queue prefix.
    /// The planners that reparent also cancel the cars they no longer want (Zuul resets the items
    /// behind a failure); the others keep every valid car running.
    var usesSubsets: Bool { get }

    /// Whether the planner keeps one car in flight at a time (`serial`, `bors`).
    var runsOneCar: Bool { get }

    /// Whether a failed car waits for every car ahead of it to pass before blaming.
    var waitsForPredecessors: Bool { get }

    /// Whether the planner tests changes in batches, whose bisection finds the failures of a round
    /// together (the ETA counts a round's failures once).
    var batches: Bool { get }

    /// Whether the planner learns from the train's history: arrivals and pipeline durations are
    /// recorded, a failure may be run again before blame (the flake budget), and the cars behind a
    /// failed car keep betting on it while failures are mostly flakes (`adaptive`).
    var learnsFromHistory: Bool { get }

    /// Whether the planner runs copies of a car on flaky CI and holds back changes its running
    /// cars bet against (replicas and suspects; `adaptive`).
    var betsOnCopiesAndSuspects: Bool { get }

    /// The cars (and probes) the planner wants in flight, most wanted first, each as queue indices
    /// in order. Cars that already exist with the same changes are kept, the others are built.
    /// - Parameter held: how many running cars hold a pending failure and run outside the plan.
    func plan(for train: Train, held: Int) -> CarPlan

    /// Whether a passed car may land although a shorter car failed (its tested tree is green).
    func landsOverFailures(_ tuning: PlannerSettings) -> Bool

    /// Whether the planner may test queued changes alone for information (probes).
    func probes(_ tuning: PlannerSettings) -> Bool

    /// Whether a failed car waits for the longer cars that hold it before it blames (pending
    /// failures), in the train as it is now.
    func keepsPendingFailures(_ train: Train) -> Bool

    /// How many failed longer cars end a pending failure.
    func pendingDepth(_ train: Train) -> Int

    /// Cars for bisecting failed batches on top of `maxParallel` (Trunk's `bisectionConcurrency`).
    func bisectionCars(_ tuning: PlannerSettings) -> Int

    /// When the train next wants to be woken to plan (a batch delay's end), if it does.
    func wakeUp(_ train: Train) -> Instant?

    /// The fewest changes the train holds with nothing in flight, for the ETA.
    func minimumSlots(maxParallel: Int) -> Int

    /// Called once a change was blamed and removed.
    func blamed(_ train: inout Train)

    /// Called once `count` changes landed.
    func landed(_ count: Int, _ train: inout Train)
}

extension Planner {
    public var settingKeys: [String] { [] }
    public var usesSubsets: Bool { false }
    public var runsOneCar: Bool { false }
    public var waitsForPredecessors: Bool { true }
    public var batches: Bool { false }
    public var learnsFromHistory: Bool { false }
    public var betsOnCopiesAndSuspects: Bool { false }
    public func landsOverFailures(_ tuning: PlannerSettings) -> Bool { false }
    public func probes(_ tuning: PlannerSettings) -> Bool { false }
    public func keepsPendingFailures(_ train: Train) -> Bool { false }
    public func pendingDepth(_ train: Train) -> Int { train.trunkPendingDepth }
    public func bisectionCars(_ tuning: PlannerSettings) -> Int { 0 }
    public func wakeUp(_ train: Train) -> Instant? { nil }
    public func minimumSlots(maxParallel: Int) -> Int { maxParallel }
    public func blamed(_ train: inout Train) {}
    public func landed(_ count: Int, _ train: inout Train) {}

    /// Whether cars the planner no longer wants are cancelled: the reparenting planners do.
    public var cancelsUnwanted: Bool { usesSubsets }

    /// How many cars a train could use now, for sharing a CI budget between trains: one for the
    /// planners that run one car at a time, else a car per queued change (times the copies of each
    /// car on flaky CI) up to `maxParallel`.
    public func carsWanted(_ train: Train) -> Int {
        guard !train.queue.isEmpty else { return 0 }
        return runsOneCar ? 1 : min(train.settings.maxParallel, train.queue.count * train.replicaCount)
    }

    /// What a train has and wants, for sharing a CI budget between trains.
    public func demand(of train: Train) -> CIBudget.Demand {
        let inFlight = train.cars.indices.count { train.cars[$0].isInFlight } + train.probesInFlight
        return CIBudget.Demand(
            inFlight: inFlight, wants: max(inFlight, carsWanted(train)),
            waitingSince: train.queue.lazy.map(\.enqueuedAt.milliseconds).min() ?? Int64.max)
    }

    /// One car per queue prefix, as long as the window allows: the cars of the prefix planners.
    func prefixCars(for train: Train) -> [[Int]] {
        (0..<min(train.settings.maxParallel, train.queue.count)).map { Array(0...$0) }
    }
}

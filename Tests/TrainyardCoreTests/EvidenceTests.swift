import Testing
@testable import TrainyardCore

/// `adaptive` starts as Trunk (batches of 5, a pending failure depth of 2) and follows its learnt
/// rates once it has seen `Train.failuresBeforeLearntRates` failures: a handful of early failures
/// reads as a flake share of one half or a failure rate of 1 in 14, which made it wait for a
/// third failed car behind every bad change and batch by 4 on a train that rarely fails.
struct EvidenceTests {
    /// (changes removed, flakes proven, changes landed) → (pending failure depth, batch size).
    @Test(arguments: [
        (0, 0, 0, 2, 5),
        // 7 failures: a flake share of 0.55 and a failure rate of 0.07 are not trusted yet.
        (2, 5, 20, 2, 5),
        // 20 failures, a flake share of 0.54: one more failed car is waited for.
        (8, 12, 300, 3, 5),
        // 20 failures, a failure rate of 0.056: batches of 4.
        (12, 8, 200, 2, 4),
    ])
    func learntRatesNeedEnoughFailures(blamed: Int, flakes: Int, landed: Int, depth: Int, batch: Int) {
        var train = Train(id: Fixture.train, settings: TrainSettings(maxParallel: 8, planner: .adaptive))
        var stats = PlannerStats()
        stats.blamed = blamed
        stats.provenFlakes = flakes
        stats.landed = landed
        train.stats = stats
        train.queue = (1...3).map { Fixture.change($0) }
        #expect(stats.failuresSeen == blamed + flakes)
        #expect(train.pendingDepth == depth)
        #expect(AdaptivePlanner.batchSize(for: train) == batch)
    }

    /// Trunk's own depth is its setting, whatever the train learnt.
    @Test func trunkKeepsItsDepth() {
        var train = Train(
            id: Fixture.train,
            settings: TrainSettings(planner: .trunk, plannerSettings: PlannerSettings(pendingFailureDepth: 4)))
        var stats = PlannerStats()
        stats.provenFlakes = 30
        train.stats = stats
        #expect(train.pendingDepth == 4)
    }
}

import Testing

@testable import TrainyardCore

/// `adaptive` tests in capacity groups only when what the train learnt says its runners cannot
/// carry the batches the failure rate calls for: the learnt arrivals per pipeline against the
/// runner budget, and the learnt failure rate. Nothing else (no scenario, no setting but the
/// runner budget and the batch limit) enters the choice.
struct CapacityGroupTests {
    /// `arrivals` changes `gapSeconds` apart, five timed pipelines of `pipelineMinutes`.
    static func train(
        window: Int, gapSeconds: Int64, pipelineMinutes: Int64, blamed: Int, landed: Int, flakes: Int = 0,
        batchLimit: Int? = nil
    ) -> Train {
        var train = Train(
            id: Fixture.train,
            settings: TrainSettings(
                maxParallel: window, planner: .adaptive, plannerSettings: PlannerSettings(batchSize: batchLimit)))
        var stats = PlannerStats()
        stats.blamed = blamed
        stats.landed = landed
        stats.provenFlakes = flakes
        stats.passedRuns = 300
        for index in 0..<31 { stats.noteArrival(at: Int64(index) * gapSeconds * 1_000) }
        stats.timedPipelines = 5
        stats.pipelineMillis = 5 * pipelineMinutes * 60_000
        train.stats = stats
        train.queue = (1...40).map { Fixture.change($0) }
        return train
    }

    /// (runners, seconds between arrivals, pipeline minutes, changes removed, changes landed, flakes
    /// proven) → the batch size, and whether failed groups split by the table.
    @Test(arguments: [
        // 20 changes an hour, 30-minute pipelines, 4 runners: 0.4 runs to spare per change. Batches
        // of 5 need 0.34 runs per change by the table, twice that to spare: capacity groups of the
        // cheapest size (11 at a failure rate of 0.039).
        (4, 180, 30, 8, 200, 0, 11, true),
        // The same arrivals on 40 runners: 4 runs per change to spare, Trunk's batches of 5.
        (40, 180, 30, 8, 200, 0, 5, false),
        // 10-minute pipelines on 4 runners: 1.2 runs per change to spare, batches of 5 fit.
        (4, 180, 10, 8, 200, 0, 5, false),
        // Twice the failures: a rate of 0.074 (batches of 4); still short of runners, groups of 7.
        (4, 180, 30, 16, 200, 0, 7, true),
        // Failures common (a rate of 0.19): change by change with probes, never groups.
        (4, 180, 30, 40, 200, 0, 1, false),
        // Flaky CI (copies of each car): no capacity groups.
        (4, 180, 30, 8, 200, 60, 5, false),
        // Too few changes decided for the failure rate to mean much: Trunk's batches.
        (4, 180, 30, 1, 10, 0, 5, false),
    ])
    func groupsFollowTheLearntFigures(
        window: Int, gap: Int64, pipeline: Int64, blamed: Int, landed: Int, flakes: Int, batch: Int, splits: Bool
    ) {
        let train = Self.train(
            window: window, gapSeconds: gap, pipelineMinutes: pipeline, blamed: blamed, landed: landed, flakes: flakes)
        let sizing = AdaptivePlanner.sizing(for: train)
        #expect(sizing.unit == batch, "spare \(AdaptivePlanner.spareRuns(for: train, stats: train.stats!) ?? -1)")
        #expect((sizing.splitting != nil) == splits)
        #expect(AdaptivePlanner.batches(train) == (sizing.unit > 1), "pending failures follow the batch size")
    }

    /// One train whose learnt figures change as it goes: short of runners it groups, with more
    /// runners or shorter pipelines learnt it goes back to batches, and once failures are common
    /// it tests change by change.
    @Test func theChoiceSwitchesAsTheLearntFiguresChange() {
        var train = Self.train(window: 4, gapSeconds: 180, pipelineMinutes: 30, blamed: 8, landed: 200)
        #expect(AdaptivePlanner.batchSize(for: train) == 11)
        // The pipelines got faster: ten more timed at 5 minutes bring the mean to about 13 minutes.
        train.stats?.timedPipelines += 10
        train.stats?.pipelineMillis += 10 * 5 * 60_000
        #expect(AdaptivePlanner.batchSize(for: train) == 5)
        // They slowed down again, and arrivals doubled.
        train.stats?.pipelineMillis += 10 * 55 * 60_000
        #expect(AdaptivePlanner.sizing(for: train).splitting != nil)
        // Then failures became common.
        train.stats?.blamed = 40
        #expect(AdaptivePlanner.batchSize(for: train) == 1)
    }

    /// The cars of a capacity-grouped train: batches of the group size, and a failed group split
    /// where the table says (the first change of a failed group of three or four, then the rest).
    @Test func aFailedGroupSplitsWhereTheTableSays() throws {
        var train = Self.train(window: 4, gapSeconds: 180, pipelineMinutes: 30, blamed: 8, landed: 200, batchLimit: 4)
        train.queue = (1...12).map { Fixture.change($0) }
        var actions: [TrainAction] = []
        _ = train.apply(.targetMoved(head: Fixture.sha("base")))
        let sizing = AdaptivePlanner.sizing(for: train)
        try #require(sizing.splitting != nil && sizing.unit == 4)
        train.fillWindow(&actions)
        #expect(
            train.cars.map { $0.changes.map(\.number) } == [[1, 2, 3, 4], [1, 2, 3, 4, 5, 6, 7, 8], Array(1...12)])
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: train.cars[0].id.value, .failed)
        // split[4] is 1 at this failure rate: !1 alone, then !2 and !3 on top, behind them the rest.
        #expect(train.cars.filter(\.isInFlight).map { $0.changes.map(\.number) }.first == [1])
    }
}

import Testing

@testable import TrainyardCore

/// `adaptive` speculates change by change at failure rates from 1 in 25 when its window holds a
/// car and a probe for every change that arrives while a pipeline runs (`AdaptivePlanner
/// .speculationIsAffordable`); the train learns its arrival rate and pipeline length as it goes.
struct AffordableSpeculationTests {
    /// 21 changes 3 minutes apart and five 20-minute pipelines: 1 change in 3 minutes × 20 minutes.
    static func measured(blamed: Int, flakes: Int, landed: Int) -> PlannerStats {
        var stats = PlannerStats()
        stats.blamed = blamed
        stats.provenFlakes = flakes
        stats.landed = landed
        for index in 0..<21 { stats.noteArrival(at: Int64(index) * 180_000) }
        stats.timedPipelines = 5
        stats.pipelineMillis = 5 * 1_200_000
        return stats
    }

    @Test func arrivalsPerPipelineNeedsARateAndTimedPipelines() throws {
        let stats = Self.measured(blamed: 0, flakes: 0, landed: 0)
        #expect(abs(try #require(stats.arrivalsPerPipeline) - 20.0 / 3) < 1e-9)
        var few = stats
        few.timedPipelines = 4
        few.pipelineMillis = 4 * 1_200_000
        #expect(few.arrivalsPerPipeline == nil, "fewer than 5 timed pipelines")
        var burst = PlannerStats()
        for _ in 0..<15 { burst.noteArrival(at: 5_000) }
        burst.timedPipelines = 5
        burst.pipelineMillis = 6_000_000
        #expect(burst.arrivalsPerPipeline == nil, "a burst queued at one instant has no rate")
        var early = PlannerStats()
        for index in 0..<9 { early.noteArrival(at: Int64(index) * 1_000) }
        early.timedPipelines = 5
        early.pipelineMillis = 6_000_000
        #expect(early.arrivalsPerPipeline == nil, "fewer than 10 arrivals")
        #expect(early.firstArrival == 0 && early.lastArrival == 8_000 && early.arrivals == 9)
    }

    /// (window, changes removed, flakes proven, changes landed, probes) → batch size. About 6.7
    /// changes arrive per pipeline, so 14 runners hold a car and a probe for each.
    @Test(arguments: [
        // A failure rate of 0.056 after 20 failures on 20 runners: change by change.
        (20, 12, 8, 200, true, 1),
        // The same on 8 runners: batches of 4 (1/√0.056).
        (8, 12, 8, 200, true, 4),
        // With probes off there is no speculation mode to afford.
        (20, 12, 8, 200, false, 4),
        // A failure rate of 0.021: batches pay (1/√0.021 is 7; no more than Trunk's 5 while the
        // queue is short).
        (20, 6, 14, 300, true, 5),
        // Only 10 failures seen: the rates are not learnt yet, Trunk's batch of 5.
        (20, 6, 4, 100, true, 5),
        // Flaky CI (a flake rate of 0.11, so copies of batches): batches.
        (20, 12, 40, 200, true, 4),
    ])
    func speculatesWhenTheWindowAffordsIt(
        window: Int, blamed: Int, flakes: Int, landed: Int, probes: Bool, batch: Int
    ) {
        var train = Train(
            id: Fixture.train,
            settings: TrainSettings(
                maxParallel: window, planner: .adaptive, plannerSettings: PlannerSettings(probes: probes)))
        var stats = Self.measured(blamed: blamed, flakes: flakes, landed: landed)
        stats.passedRuns = 300
        train.stats = stats
        train.queue = (1...3).map { Fixture.change($0) }
        #expect(AdaptivePlanner.batchSize(for: train) == batch, "failure rate \(stats.failureRate)")
    }

    /// The train counts its arrivals and times the cars that pass on their first pipeline, from
    /// build to pass; a car run again is not timed, and other planners learn nothing of it.
    @Test func theTrainLearnsItsArrivalsAndPipelines() {
        var train = Train(id: Fixture.train, settings: TrainSettings(maxParallel: 2, planner: .adaptive))
        _ = train.apply(.targetMoved(head: Fixture.sha("base")))
        _ = train.apply(.changeEnqueued(Fixture.change(1, at: 0)))
        _ = train.apply(.changeEnqueued(Fixture.change(2, at: 60)))
        #expect(train.stats?.arrivals == 2)
        #expect(train.stats?.lastArrival == (train.stats?.firstArrival).map { $0 + 60_000 })
        _ = Fixture.startAll(&train)
        // Car 1 was built when !1 was queued, at 0 s.
        _ = train.apply(.tick(now: Instant(seconds: 1_700_000_000 + 1_200)))
        _ = Fixture.finish(&train, car: 1, .success)
        #expect(train.stats?.timedPipelines == 1 && train.stats?.pipelineMillis == 1_200_000)

        var prefix = Train(id: Fixture.train, settings: TrainSettings(maxParallel: 2, planner: .prefix))
        _ = prefix.apply(.changeEnqueued(Fixture.change(1, at: 0)))
        #expect(prefix.stats?.arrivals ?? 0 == 0)
    }
}

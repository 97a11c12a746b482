import Foundation
import Testing
import TrainyardCore

/// `planner_settings`, bors' batch delay and skip-line without interrupting the cars in flight.
struct PlannerSettingsTests {
    @Test func trunkBatchSizeSetsTheBatches() {
        let (_, actions) = Fixture.resumed(
            Array(1...9), window: 8, planner: .trunk, tuning: PlannerSettings(batchSize: 3))
        #expect(actions.builds == [[1, 2, 3], Array(1...6), Array(1...9)])
    }

    @Test func mergifyAndAdaptiveReadTheBatchSize() {
        let (_, mergify) = Fixture.resumed(
            Array(1...4), window: 8, planner: .mergify, tuning: PlannerSettings(batchSize: 2))
        #expect(mergify.builds == [[1, 2], [1, 2, 3, 4]])
        let (_, batched) = Fixture.resumed(Array(1...6), window: 8, planner: .adaptive)
        #expect(batched.builds.first == [1, 2, 3, 4, 5], "a fresh train batches Trunk's 5 until it has seen failures")
        let (_, single) = Fixture.resumed(
            Array(1...6), window: 8, planner: .adaptive, tuning: PlannerSettings(batchSize: 1))
        #expect(single.builds.first == [1], "with batches of at most 1, one change per car")
    }

    /// Trunk with optimistic merging off: a passed longer car does not land over a failed shorter
    /// one; the failed change is blamed once nothing that holds it runs.
    @Test(arguments: [(true, true), (false, false)])
    func trunkOptimisticLandingCanBeSwitchedOff(optimistic: Bool, landsOver: Bool) {
        var (train, _) = Fixture.resumed(
            [1, 2], window: 8, planner: .trunk,
            tuning: PlannerSettings(batchSize: 1, optimisticLanding: optimistic))
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 1, .failed)
        let passed = Fixture.finish(&train, car: 2, .success)
        #expect((passed.lands == [CarID(2)]) == landsOver)
        #expect(passed.comments(on: 1).isEmpty == landsOver, "without optimistic merging !1 is removed")
    }

    /// Trunk's pending failure depth: with depth 1 the first failed holder ends the wait; with
    /// the default 2 a failed car still waits while a second holder runs.
    @Test(arguments: [(1, true), (2, false)])
    func trunkPendingFailureDepth(depth: Int, blamedAtOnce: Bool) {
        var (train, _) = Fixture.resumed(
            [1, 2, 3], window: 8, planner: .trunk, tuning: PlannerSettings(batchSize: 1, pendingFailureDepth: depth))
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 1, .failed)
        let second = Fixture.finish(&train, car: 2, .failed)
        #expect(!second.comments(on: 1).isEmpty == blamedAtOnce)
    }

    /// Trunk's bisection concurrency: the parts of a failed batch get cars of their own on top of
    /// `max_parallel`. With a window of 2 and the ten-change car held by the pending failure, one
    /// slot is left: without it only `[1,2]` is tested; with 2 more, `[1,2,3]` and `[1,2,3,4]` too.
    @Test(arguments: [(0, [[1, 2]]), (2, [[1, 2], [1, 2, 3], [1, 2, 3, 4]])])
    func trunkBisectionConcurrency(bisection: Int, builds: [[Int]]) {
        var (train, first) = Fixture.resumed(
            Array(1...10), window: 2, planner: .trunk, tuning: PlannerSettings(bisectionConcurrency: bisection))
        #expect(first.builds == [[1, 2, 3, 4, 5], Array(1...10)])
        _ = Fixture.startAll(&train)
        let failed = Fixture.finish(&train, car: 1, .failed)
        #expect(failed.builds == builds)
        #expect(Fixture.startAll(&train).builds.isEmpty, "the plan is stable once its cars exist")
    }

    @Test func zuulWindowAndFloorAreSettings() {
        var (train, first) = Fixture.resumed(
            [1, 2, 3, 4], window: 8, planner: .zuul, tuning: PlannerSettings(window: 2, windowFloor: 1))
        #expect(first.builds == [[1], [1, 2]], "the window starts at 2")
        _ = Fixture.startAll(&train)
        let failed = Fixture.finish(&train, car: 1, .failed)
        #expect(train.window == 1, "halved to the floor of 1")
        #expect(failed.comments(on: 1).count == 1)
        #expect(train.cars.filter(\.isInFlight).count == 1)
    }

    @Test func borsBatchSizeCapsTheBatch() {
        let (_, actions) = Fixture.resumed(
            Array(1...5), window: 8, planner: .bors, tuning: PlannerSettings(batchSize: 2))
        #expect(actions.builds == [[1, 2]])
    }

    /// bors-ng's batch delay: a batch starts only once the newest change has waited the delay,
    /// so changes approved together share one batch; the train asks for a tick at that time.
    @Test func borsWaitsTheBatchDelayAfterTheNewestChange() {
        var train = Train(
            id: Fixture.train,
            settings: TrainSettings(planner: .bors, plannerSettings: PlannerSettings(batchDelay: 10_000)))
        _ = train.apply(.targetMoved(head: Fixture.sha("base")))
        #expect(train.apply(.changeEnqueued(Fixture.change(1, at: 0))).builds.isEmpty)
        #expect(train.apply(.changeEnqueued(Fixture.change(2, at: 5))).builds.isEmpty)
        let end = Instant(seconds: 1_700_000_015)
        #expect(train.wakeAt == end, "ten seconds after the newest change")
        #expect(train.apply(.tick(now: Instant(seconds: 1_700_000_014))).builds.isEmpty)
        let started = train.apply(.tick(now: end))
        #expect(started.builds == [[1, 2]])
        #expect(train.wakeAt == nil)
    }

    /// Changes that keep arriving within the delay cannot hold a batch back for ever: the oldest
    /// waits at most five delays.
    @Test func borsBatchDelayEndsFiveDelaysAfterTheOldestChange() {
        var train = Train(
            id: Fixture.train,
            settings: TrainSettings(planner: .bors, plannerSettings: PlannerSettings(batchDelay: 10_000)))
        _ = train.apply(.targetMoved(head: Fixture.sha("base")))
        for number in 1...7 {
            let queued = train.apply(.changeEnqueued(Fixture.change(number, at: Int64(number - 1) * 8)))
            #expect(queued.builds.isEmpty, "!\(number) joins the waiting batch")
        }
        #expect(train.wakeAt == Instant(seconds: 1_700_000_050), "not 10 s after the newest (58 s)")
        #expect(train.apply(.tick(now: Instant(seconds: 1_700_000_050))).builds == [Array(1...7)])
    }

    @Test func skipLineWithoutInterruptingGoesBehindTheCarsInFlight() {
        var (train, _) = Fixture.queued([1, 2, 3, 4], window: 3)
        _ = Fixture.startAll(&train)
        var change = Fixture.change(7)
        change.skipLine = true
        change.interruptsCars = false
        let actions = train.apply(.changeEnqueued(change))
        #expect(train.queue.map(\.number) == [1, 2, 3, 7, 4])
        #expect(actions.cancels.isEmpty, "every car keeps running")
        #expect(actions.comments(on: 7).first?.contains("without interrupting the cars in flight") == true)
        let landed = Fixture.finish(&train, car: 1, .success)
        #expect(landed.lands == [CarID(1)])
        _ = train.apply(.carLanded(car: CarID(1), commit: Fixture.sha("car-1")))
        #expect(train.queue.map(\.number) == [2, 3, 7, 4], "!7 lands right after the changes that were in flight")
    }

    @Test func priorityWithoutInterruptingKeepsEveryCar() {
        var (train, _) = Fixture.queued([1, 2, 3], window: 2)
        _ = Fixture.startAll(&train)
        var change = Fixture.change(9)
        change.priority = 5
        change.interruptsCars = false
        let actions = train.apply(.changeEnqueued(change))
        #expect(train.queue.map(\.number) == [1, 2, 9, 3], "ahead of !3, which no car holds")
        #expect(actions.cancels.isEmpty)
    }

    @Test func ciAllowanceLimitsNewCarsAndCancelsNone() {
        var train = Train(id: Fixture.train, settings: TrainSettings(maxParallel: 8))
        train.sharedBudget = SharedBudget(limit: 2)
        _ = train.apply(.targetMoved(head: Fixture.sha("base")))
        var builds: [[Int]] = []
        for number in 1...5 { builds += train.apply(.changeEnqueued(Fixture.change(number))).builds }
        #expect(builds == [[1], [1, 2]], "two cars: the train's share of the budget")
        _ = Fixture.startAll(&train)
        train.sharedBudget = SharedBudget(limit: 1)
        #expect(train.apply(.tick(now: Instant(seconds: 1))).cancels.isEmpty, "a smaller share cancels nothing")
        train.sharedBudget = SharedBudget(limit: 4)
        #expect(train.apply(.tick(now: Instant(seconds: 2))).builds == [[1, 2, 3], [1, 2, 3, 4]])
    }

    @Test func settingsStoredBeforePlannerSettingsStillDecode() throws {
        let old =
            #"{"maxParallel":4,"cancelRestarts":1,"landingAttempts":3,"mergeCommand":"@trainyard merge","#
            + #""planner":"trunk","pipelineTimeout":60000,"pollInterval":120000}"#
        let settings = try JSONDecoder().decode(TrainSettings.self, from: Data(old.utf8))
        #expect(
            settings.plannerSettings == PlannerSettings() && settings.flakeRetries == 0 && settings.maxParallel == 4)
        let again = try JSONDecoder().decode(TrainSettings.self, from: JSONEncoder().encode(settings))
        #expect(again == settings)
    }

}

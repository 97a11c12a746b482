import Testing
import TrainyardCore

/// Priority, skip-line, pause and resume, and pipeline timeouts.
struct TrainControlTests {
    static func change(_ number: Int, priority: Int = 0, skipLine: Bool = false) -> Change {
        var change = Fixture.change(number)
        change.priority = priority
        change.skipLine = skipLine
        return change
    }

    @Test func higherPriorityGoesAheadWithoutCancellingCarsThatStayValid() {
        var (train, _) = Fixture.queued([1, 2, 3])
        _ = Fixture.startAll(&train)
        let actions = train.apply(.changeEnqueued(Self.change(9, priority: 5)))
        #expect(train.queue.map(\.number) == [9, 1, 2, 3])
        #expect(actions.comments(on: 9).first?.contains("position 1 of 4") == true)
        #expect(Set(actions.cancels) == [PipelineID(101), PipelineID(102), PipelineID(103)])
        var (other, _) = Fixture.queued([1, 2, 3])
        other.queue[0].priority = 5
        other.cars[0].changes[0].priority = 5
        _ = Fixture.startAll(&other)
        let behindFirst = other.apply(.changeEnqueued(Self.change(9, priority: 5)))
        #expect(other.queue.map(\.number) == [1, 9, 2, 3], "equal priorities keep their order")
        #expect(Set(behindFirst.cancels) == [PipelineID(102), PipelineID(103)], "car 1 stays valid and keeps running")
    }

    @Test func skipLineGoesFirstButNeverAheadOfALandingCar() {
        var (train, _) = Fixture.queued([1, 2])
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 1, .success)
        let actions = train.apply(.changeEnqueued(Self.change(7, priority: -3, skipLine: true)))
        #expect(train.queue.map(\.number) == [1, 7, 2])
        #expect(actions.comments(on: 7).first?.contains("skips the line") == true)
        #expect(actions.builds == [[1, 7], [1, 7, 2]], "cars behind the landing car are rebuilt with !7 first")
        _ = train.apply(.carLanded(car: CarID(1), commit: Fixture.sha("car-1")))
        #expect(train.cars.first?.changes.map(\.number) == [7], "the skip-line change lands next")
    }

    @Test func pausedTrainStartsNoCarsAndLandsNothingUntilResumed() {
        var (train, _) = Fixture.queued([1])
        _ = Fixture.startAll(&train)
        _ = train.apply(.trainPaused(reason: "release freeze", by: "@ops"))
        #expect(Fixture.finish(&train, car: 1, .success).lands.isEmpty, "the running pipeline finished, nothing lands")
        let queued = train.apply(.changeEnqueued(Fixture.change(2)))
        #expect(queued.builds.isEmpty)
        #expect(queued.comments(on: 2).first?.contains("paused (release freeze)") == true)
        let resumed = train.apply(.trainResumed(by: "@ops"))
        #expect(resumed.lands == [CarID(1)])
        #expect(resumed.builds == [[1, 2]])
    }

    @Test func silentPipelineIsRestartedOnceThenItsChangeRemoved() {
        var (train, _) = Fixture.queued([1], window: 1)
        train.settings.pipelineTimeout = 60_000
        _ = Fixture.startAll(&train)
        #expect(train.apply(.tick(now: Instant(seconds: 1_000))).isEmpty, "the first tick starts the clock")
        #expect(train.apply(.tick(now: Instant(seconds: 1_050))).isEmpty)
        let restarted = train.apply(.tick(now: Instant(seconds: 1_061)))
        #expect(restarted.cancels == [PipelineID(101)])
        #expect(
            restarted.contains(.startPipeline(car: CarID(1), ref: "trainyard/main/1", commit: Fixture.sha("car-1"))))
        _ = train.apply(.pipelineCreated(car: CarID(1), pipeline: PipelineID(201), commit: Fixture.sha("car-1")))
        let late = train.apply(
            .pipelineUpdated(car: CarID(1), pipeline: PipelineID(101), commit: Fixture.sha("car-1"), state: .success))
        #expect(late.lands.isEmpty, "the timed-out pipeline's late result is stale")
        _ = train.apply(.tick(now: Instant(seconds: 2_000)))
        let removed = train.apply(.tick(now: Instant(seconds: 2_100)))
        #expect(removed.comments(on: 1).first?.contains("did not finish within 1 minutes, for the second time") == true)
        #expect(train.queue.isEmpty)
    }

    @Test func runningPipelinesArePolledAndTheTargetRereadInCaseAWebhookWasLost() {
        var (train, _) = Fixture.queued([1])
        train.settings.pollInterval = 120_000
        _ = Fixture.startAll(&train)
        #expect(train.apply(.tick(now: Instant(seconds: 1_000))).isEmpty, "the first tick starts the clocks")
        #expect(train.apply(.tick(now: Instant(seconds: 1_060))).isEmpty)
        let polled = train.apply(.tick(now: Instant(seconds: 1_121)))
        #expect(polled.contains(.refreshPipeline(car: CarID(1), pipeline: PipelineID(101))))
        #expect(polled.contains(.fetchTarget))
        let answer = train.apply(
            .pipelineUpdated(car: CarID(1), pipeline: PipelineID(101), commit: Fixture.sha("car-1"), state: .success))
        #expect(answer.lands.isEmpty, "nothing lands while the target is being re-read")
        let reread = train.apply(.targetMoved(head: Fixture.sha("base")))
        #expect(reread.lands == [CarID(1)], "the polled answer drives the train like the webhook would have")
    }
}

import Testing
import TrainyardCore

/// What the engine counts from each event: landings and removals with how long the change waited,
/// and every car pipeline that stopped, with its outcome and how long it ran.
struct TrainMeasurementTests {
    static func at(_ seconds: Int64) -> Instant { Instant(seconds: 1_700_000_000 + seconds) }

    /// Applies `event` at `seconds` after the fixtures' queue time and returns what it measured.
    static func measure(_ train: inout Train, _ event: TrainEvent, at seconds: Int64) -> [TrainMeasurement] {
        let now = at(seconds)
        train.now = now
        let before = train
        let actions = train.apply(event)
        let decisions = train.decisions(for: event, before: before, actions: actions)
        return train.measurements(for: event, before: before, decisions: decisions, now: now)
    }

    static func serial(_ numbers: [Int], timeout: Int64 = 0) -> Train {
        var train = Train(
            id: Fixture.train, settings: TrainSettings(maxParallel: 1, planner: .serial, pipelineTimeout: timeout))
        train.now = at(0)
        _ = train.apply(.targetMoved(head: Fixture.sha("base")))
        for number in numbers { _ = train.apply(.changeEnqueued(Fixture.change(number))) }
        return train
    }

    static func started(_ train: inout Train, car: Int, at seconds: Int64) {
        let commit = Fixture.sha("car-\(car)")
        _ = measure(&train, .carBuilt(car: CarID(car), commit: commit), at: seconds)
        _ = measure(
            &train, .pipelineCreated(car: CarID(car), pipeline: PipelineID(100 + car), commit: commit), at: seconds)
    }

    @Test func aLandingCountsItsPipelineAndHowLongTheChangeWaited() {
        var train = Self.serial([1])
        Self.started(&train, car: 1, at: 20)
        let passed = Self.measure(
            &train,
            .pipelineUpdated(car: CarID(1), pipeline: PipelineID(101), commit: Fixture.sha("car-1"), state: .success),
            at: 600)
        #expect(passed == [.pipelineFinished(car: 1, outcome: .passed, seconds: 600)], "from when the car was built")
        let landed = Self.measure(&train, .carLanded(car: CarID(1), commit: Fixture.sha("car-1")), at: 660)
        #expect(landed == [.landed(change: 1, waited: 660)])
    }

    @Test func aFailedPipelineRejectsItsChange() {
        var train = Self.serial([1, 2])
        Self.started(&train, car: 1, at: 5)
        let failed = Self.measure(
            &train,
            .pipelineUpdated(car: CarID(1), pipeline: PipelineID(101), commit: Fixture.sha("car-1"), state: .failed),
            at: 300)
        #expect(failed.contains(.pipelineFinished(car: 1, outcome: .failed, seconds: 300)), "\(failed)")
        #expect(failed.contains(.removed(change: 1, reason: .pipelineFailed, waited: 300, rejected: true)), "\(failed)")
        #expect(!failed.contains { if case .landed = $0 { true } else { false } })
    }

    @Test func aCancelledChangeIsNotARejectionAndItsPipelineCountsAsCanceled() {
        var train = Self.serial([1])
        Self.started(&train, car: 1, at: 5)
        let cancelled = Self.measure(&train, .changeDequeued(number: 1, by: "@bob"), at: 90)
        #expect(
            cancelled.contains(.removed(change: 1, reason: .canceled, waited: 90, rejected: false)), "\(cancelled)")
        #expect(cancelled.contains(.pipelineFinished(car: 1, outcome: .canceled, seconds: 90)), "\(cancelled)")
    }

    @Test func aPipelineOverItsTimeoutCountsAsTimedOut() {
        var train = Self.serial([1], timeout: 60_000)
        Self.started(&train, car: 1, at: 0)
        #expect(Self.measure(&train, .tick(now: Self.at(100)), at: 100).isEmpty, "the first tick starts the clock")
        let timedOut = Self.measure(&train, .tick(now: Self.at(200)), at: 200)
        #expect(timedOut == [.pipelineFinished(car: 1, outcome: .timeout, seconds: 200)], "\(timedOut)")
    }

    @Test func eventsThatChangeNothingMeasureNothing() {
        var train = Self.serial([1])
        Self.started(&train, car: 1, at: 5)
        #expect(Self.measure(&train, .trainPaused(reason: "freeze", by: "@maya"), at: 10).isEmpty)
        #expect(Self.measure(&train, .changeEnqueued(Fixture.change(2)), at: 11).isEmpty)
        let running = Self.measure(
            &train,
            .pipelineUpdated(car: CarID(1), pipeline: PipelineID(101), commit: Fixture.sha("car-1"), state: .running),
            at: 12)
        #expect(running.isEmpty)
    }

    @Test(
        arguments: [
            (
                TrainEvent.pipelineUpdated(
                    car: CarID(1), pipeline: PipelineID(1), commit: Fixture.sha("c"), state: .failed),
                TrainMeasurement.RemovalReason.pipelineFailed
            ),
            (.pipelineCreationFailed(car: CarID(1), message: "no runner"), .pipelineNotCreated),
            (.tick(now: Instant(seconds: 1)), .timeout),
            (.carConflicted(car: CarID(1), change: 1, paths: ["a"]), .conflict),
            (.carBuildFailed(car: CarID(1), change: 1, message: "gone"), .buildFailed),
            (.landingRejected(car: CarID(1), message: "moved"), .landingRejected),
            (.changeDequeued(number: 1, by: "@bob"), .canceled),
            (.changeUpdated(number: 1, head: Fixture.sha("new")), .updated),
            (.changeClosed(number: 1), .closed),
            (.changeMerged(number: 1), .mergedElsewhere),
            (.targetMoved(head: Fixture.sha("t")), .other),
        ])
    func everyRemovalHasABoundedReason(event: TrainEvent, reason: TrainMeasurement.RemovalReason) {
        #expect(TrainMeasurement.RemovalReason(event) == reason)
        let people: Set<TrainMeasurement.RemovalReason> = [.canceled, .updated, .closed, .mergedElsewhere, .other]
        #expect(reason.isRejection == !people.contains(reason))
    }
}

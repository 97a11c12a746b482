import Testing
import TrainyardCore

/// The decision log entries each event leads to, with the reason and who asked.
struct TrainDecisionTests {
    /// Applies `event` and returns the decisions it led to.
    static func decide(_ train: inout Train, _ event: TrainEvent) -> [Decision] {
        let before = train
        let actions = train.apply(event)
        return train.decisions(for: event, before: before, actions: actions)
    }

    @Test func aChangeIsQueuedBuiltTestedPassedAndLanded() {
        var train = Train(id: Fixture.train, settings: TrainSettings(maxParallel: 2, planner: .prefix))
        _ = train.apply(.targetMoved(head: Fixture.sha("base")))
        let queued = Self.decide(&train, .changeEnqueued(Fixture.change(1)))
        #expect(queued.map(\.kind) == [.queued, .carBuilt])
        #expect(queued[0].by == "@alice" && queued[0].reason == "Queued at position 1 of 1.")
        #expect(queued[1].car == 1 && queued[1].changes == [1] && queued[1].reason.hasPrefix("Car 1 holds !1"))
        #expect(Self.decide(&train, .changeEnqueued(Fixture.change(1))).isEmpty, "already queued: nothing decided")

        #expect(Self.decide(&train, .carBuilt(car: CarID(1), commit: Fixture.sha("car-1"))).isEmpty)
        let started = Self.decide(
            &train, .pipelineCreated(car: CarID(1), pipeline: PipelineID(101), commit: Fixture.sha("car-1")))
        #expect(
            started == [
                Decision(
                    kind: .pipelineStarted, changes: [1], car: 1, pipeline: 101, reason: "Pipeline #101 tests car 1.")
            ])
        let passed = Self.decide(
            &train,
            .pipelineUpdated(car: CarID(1), pipeline: PipelineID(101), commit: Fixture.sha("car-1"), state: .success))
        #expect(passed.map(\.kind) == [.passed])
        let landed = Self.decide(&train, .carLanded(car: CarID(1), commit: Fixture.sha("car-1")))
        #expect(landed.map(\.kind) == [.landed] && landed[0].reason.hasPrefix("Merged !1 into `main`"))
    }

    @Test func aFailedCarBlamesItsChangeAndACancelNamesWhoAsked() {
        var (train, _) = Fixture.queued([1, 2], window: 1, planner: .serial)
        _ = Fixture.startAll(&train)
        let failed = Self.decide(
            &train,
            .pipelineUpdated(car: CarID(1), pipeline: PipelineID(101), commit: Fixture.sha("car-1"), state: .failed))
        #expect(failed.map(\.kind).prefix(2) == [.failed, .blamed])
        #expect(failed[1].changes == [1] && failed[1].reason.contains("pipeline #101 failed"))
        let cancelled = Self.decide(&train, .changeDequeued(number: 2, by: "@bob"))
        #expect(cancelled.map(\.kind).contains(.removed))
        #expect(cancelled.first { $0.kind == .removed }?.by == "@bob")
    }

    @Test func pausesResumesAndNewPrioritiesAreLoggedOnlyWhenTheyChangeSomething() {
        var (train, _) = Fixture.queued([1, 2, 3], window: 1, planner: .serial)
        #expect(Self.decide(&train, .trainPaused(reason: "freeze", by: "@maya")).map(\.kind) == [.paused])
        #expect(Self.decide(&train, .trainPaused(reason: "again", by: "@maya")).isEmpty)
        let moved = Self.decide(&train, .changeReprioritized(number: 3, priority: 5, by: "@maya"))
        #expect(moved.map(\.kind) == [.reprioritized] && moved[0].reason.contains("position"))
        #expect(Self.decide(&train, .trainResumed(by: "@maya")).first?.kind == .resumed)
        #expect(Self.decide(&train, .trainResumed(by: "@maya")).isEmpty)
    }
}

/// `retry` on a queued change: its failed car runs again once; without one, the note says why.
struct TrainRetryTests {
    @Test func aFailedCarWaitingForTheCarsAheadRunsAgain() throws {
        var (train, _) = Fixture.queued([1, 2], window: 2, planner: .prefix)
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 2, .failed)
        #expect(train.cars.last?.status == .failed, "the blame waits for car 1")
        let before = train
        let actions = train.apply(.carRetried(number: 2, by: "@alice"))
        #expect(actions.contains(.startPipeline(car: CarID(2), ref: "trainyard/main/2", commit: Fixture.sha("car-2"))))
        #expect(actions.comments(on: 2).contains { $0.hasPrefix("@alice asked to run car 2 (!1 and !2) again") })
        #expect(train.cars.last?.status == .starting)
        let logged = train.decisions(for: .carRetried(number: 2, by: "@alice"), before: before, actions: actions)
        #expect(logged.first?.kind == .retried && logged.first?.by == "@alice")
    }

    @Test(arguments: [(1, "has no failed car to run again"), (9, "is not on the merge train of `main`")])
    func withoutAFailedCarTheNoteSaysWhy(number: Int, words: String) {
        var (train, _) = Fixture.queued([1], planner: .serial)
        _ = Fixture.startAll(&train)
        let actions = train.apply(.carRetried(number: number, by: "@alice"))
        #expect(actions.comments(on: number).first?.contains(words) == true)
        #expect(!actions.contains { if case .startPipeline = $0 { true } else { false } })
    }
}

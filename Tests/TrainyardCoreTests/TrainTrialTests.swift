import Testing
import TrainyardCore

/// `try`: a change tested alone on the target in a car of its own, never landed, never seen by the
/// planners.
struct TrainTrialTests {
    @Test func aTrialIsBuiltTestedReportedAndForgotten() throws {
        var (train, _) = Fixture.queued([1], window: 2, planner: .prefix)
        let cars = train.cars
        var actions = train.apply(.changeTried(Fixture.change(7)))
        #expect(actions.builds == [[7]])
        #expect(actions.comments(on: 7).first?.contains("It never lands") == true)
        #expect(train.cars == cars, "the planners' cars are untouched")
        #expect(
            train.apply(.changeTried(Fixture.change(7))).comments(on: 7).first?.contains("already being tried") == true)
        let trial = try #require(train.trials?.first)
        _ = train.apply(.carBuilt(car: trial.id, commit: Fixture.sha("trial")))
        _ = train.apply(.pipelineCreated(car: trial.id, pipeline: PipelineID(900), commit: Fixture.sha("trial")))
        _ = train.apply(.tick(now: Instant(seconds: 1_700_000_100)))
        let polled = train.apply(.tick(now: Instant(seconds: 1_700_000_100 + train.settings.pollInterval / 1000)))
        #expect(
            polled.contains(.refreshPipeline(car: trial.id, pipeline: PipelineID(900))), "a lost webhook is polled for")
        actions = train.apply(
            .pipelineUpdated(car: trial.id, pipeline: PipelineID(900), commit: Fixture.sha("trial"), state: .success))
        #expect(actions.comments(on: 7).first?.contains("passed: pipeline #900. It was not landed.") == true)
        #expect(actions.deletedRefs == [train.ref(for: trial.id)])
        #expect(actions.lands.isEmpty && train.trials == nil && train.position(of: 7) == nil)
    }

    @Test func aConflictingTrialSaysSo() throws {
        var (train, _) = Fixture.queued([], planner: .serial)
        _ = train.apply(.changeTried(Fixture.change(3)))
        let trial = try #require(train.trials?.first)
        let actions = train.apply(.carConflicted(car: trial.id, change: 3, paths: ["a.txt"]))
        #expect(actions.comments(on: 3).first?.contains("conflicts with `main` in a.txt") == true)
        #expect(train.trials == nil)
    }

    @Test func withoutATargetHeadTheTrainReadsItFirst() {
        var train = Train(id: Fixture.train)
        let actions = train.apply(.changeTried(Fixture.change(3)))
        #expect(actions.contains(.fetchTarget))
        #expect(actions.comments(on: 3).first?.contains("comment `try` again in a minute") == true)
        #expect(train.trials == nil)
    }
}

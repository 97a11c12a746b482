import Testing
import TrainyardCore

/// The answers to `status`: a change's place and car, a train's summary.
struct TrainStatusTests {
    @Test func aChangeInATestingCarSaysWhereItIsAndWhatIsAheadOfIt() {
        var (train, _) = Fixture.queued([1, 2, 3], window: 1, planner: .serial)
        _ = Fixture.startAll(&train)
        #expect(
            train.statusText(of: 1)
                == "!1: testing car 1 in pipeline #101, position 1 of 3 on main. An ETA is given once a pipeline of this train has passed."
        )
        #expect(
            train.statusText(of: 3)
                == "!3: queued at position 3 of 3 on main; ahead of it: !1, !2. An ETA is given once a pipeline of this train has passed."
        )
        #expect(train.statusText(of: 9) == "!9 is not on the merge train of `main`.")
        #expect(train.summaryText == "`main`: 3 queued (!1, !2, !3), 1 car (1 testing).")
    }

    @Test func aPauseAndALandingAreMentioned() {
        var (train, _) = Fixture.queued([1, 2], window: 1, planner: .serial)
        _ = Fixture.startAll(&train)
        _ = train.apply(
            .pipelineUpdated(car: CarID(1), pipeline: PipelineID(101), commit: Fixture.sha("car-1"), state: .success))
        _ = train.apply(.carLanded(car: CarID(1), commit: Fixture.sha("car-1")))
        _ = train.apply(.trainPaused(reason: "release freeze", by: "@maya"))
        #expect(train.statusText(of: 1) == "!1 landed in `main` as \(Fixture.sha("car-1").short).")
        #expect(train.statusText(of: 2).hasSuffix(". The train is paused (release freeze, by @maya)."))
        #expect(train.summaryText.hasSuffix("paused (release freeze, by @maya)."))
    }

    @Test func anEmptyTrainSaysSo() {
        let (train, _) = Fixture.queued([])
        #expect(train.summaryText == "`main`: nothing queued.")
    }

    @Test func aLongQueueIsCut() {
        let (train, _) = Fixture.queued(Array(1...14), window: 1, planner: .serial)
        #expect(train.statusText(of: 14).contains("ahead of it: !1, !2, !3, !4, !5, !6, !7, !8, !9, !10 and 3 more."))
        #expect(train.summaryText.hasPrefix("`main`: 14 queued (!1, !2, !3, !4, !5, !6, !7, !8, !9, !10, …)"))
    }
}

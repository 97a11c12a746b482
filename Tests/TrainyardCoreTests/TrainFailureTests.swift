import Testing
import TrainyardCore

/// Failures, blame and removals.
struct TrainFailureTests {
    @Test func failingFirstCarBlamesItsChangeAtOnce() {
        var (train, _) = Fixture.queued([1, 2, 3])
        _ = Fixture.startAll(&train)
        let failed = Fixture.finish(&train, car: 1, .failed)
        #expect(failed.statuses(on: 1) == [.failed])
        let note = failed.comments(on: 1).first ?? ""
        #expect(note.contains("pipeline #101 failed in car 1"))
        #expect(note.contains("!1 alone"))
        #expect(Set(failed.cancels) == [PipelineID(102), PipelineID(103)])
        #expect(failed.builds == [[2], [2, 3]], "the cars behind are rebuilt without the blamed change")
    }

    @Test func failingMiddleCarWaitsForTheCarsAhead() {
        var (train, _) = Fixture.queued([1, 2, 3])
        _ = Fixture.startAll(&train)
        let failed = Fixture.finish(&train, car: 2, .failed)
        #expect(failed.comments(on: 2).isEmpty, "no premature ejection while car 1 is still running")
        #expect(train.queue.map(\.number) == [1, 2, 3])
        #expect(failed.statuses(on: 2) == [], "still running: the status only changes its description")
        let firstPassed = Fixture.finish(&train, car: 1, .success)
        let note = firstPassed.comments(on: 2).first ?? ""
        #expect(note.contains("pipeline #102 failed in car 2"))
        #expect(note.contains("with !1 ahead of it"))
        #expect(firstPassed.lands == [CarID(1)])
        #expect(firstPassed.builds == [[1, 3]])
        #expect(firstPassed.cancels == [PipelineID(103)])
    }

    @Test func failureAheadDecidesBeforeAFailureBehind() {
        var (train, _) = Fixture.queued([1, 2])
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 2, .failed)
        let first = Fixture.finish(&train, car: 1, .failed)
        #expect(first.comments(on: 1).count == 1)
        #expect(first.comments(on: 2).isEmpty, "!2 gets a new car without !1 rather than the blame")
        #expect(first.builds == [[2]])
    }

    @Test func pushToAQueuedChangeRemovesItAndRebuildsTheCarsBehind() {
        var (train, _) = Fixture.queued([1, 2, 3])
        _ = Fixture.startAll(&train)
        let updated = train.apply(.changeUpdated(number: 2, head: Fixture.sha("head-2-new")))
        #expect(updated.comments(on: 2).first?.contains("New commits were pushed") == true)
        #expect(Set(updated.cancels) == [PipelineID(102), PipelineID(103)])
        #expect(updated.builds == [[1, 3]])
        #expect(train.cars[0].status == .testing, "car 1 does not hold !2 and keeps running")
        let same = train.apply(.changeUpdated(number: 1, head: Fixture.sha("head-1")))
        #expect(same.isEmpty, "an update with the queued head changes nothing")
    }

    @Test func targetMovedByAPersonRebuildsEveryCar() {
        var (train, _) = Fixture.queued([1, 2])
        _ = Fixture.startAll(&train)
        let moved = train.apply(.targetMoved(head: Fixture.sha("hotfix")))
        #expect(Set(moved.cancels) == [PipelineID(101), PipelineID(102)])
        #expect(moved.builds == [[1], [1, 2]])
        #expect(train.cars.allSatisfy { $0.base == Fixture.sha("hotfix") })
    }

    @Test func pushWebhookIsOnlyAHintThatRereadsTheTarget() {
        var (train, _) = Fixture.queued([1])
        _ = Fixture.startAll(&train)
        let pushed = train.apply(.targetPushed(head: Fixture.sha("hotfix")))
        #expect(pushed == [.fetchTarget])
        #expect(train.cars.count == 1, "nothing is dropped on a hint")
        #expect(train.apply(.targetPushed(head: Fixture.sha("base"))).isEmpty)
    }

    @Test func targetSeenDuringALandingWaitsForTheLandingResult() {
        var (train, _) = Fixture.queued([1, 2])
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 1, .success)
        let moved = train.apply(.targetMoved(head: Fixture.sha("after-our-push")))
        #expect(moved.isEmpty && train.cars.count == 2)
        let landed = train.apply(.carLanded(car: CarID(1), commit: Fixture.sha("car-1")))
        #expect(landed.statuses(on: 1) == [.success])
        #expect(train.targetHead == Fixture.sha("after-our-push"))
        #expect(landed.builds == [[2]], "!2 is rebuilt on the newer target")
    }

    @Test func conflictRemovesTheChangeWithThePaths() {
        var (train, _) = Fixture.queued([1, 2])
        let conflicted = train.apply(.carConflicted(car: CarID(2), change: 2, paths: ["README.md", "src/a.swift"]))
        let note = conflicted.comments(on: 2).first ?? ""
        #expect(note.contains("`README.md` and `src/a.swift`"))
        #expect(note.contains("merged with !1"))
        #expect(conflicted.statuses(on: 2) == [.failed])
        #expect(train.cars.count == 1)
    }

    @Test(arguments: [
        TrainEvent.pipelineUpdated(
            car: CarID(1), pipeline: PipelineID(999), commit: Fixture.sha("car-1"), state: .failed),
        .pipelineUpdated(car: CarID(1), pipeline: PipelineID(101), commit: Fixture.sha("other"), state: .failed),
        .pipelineUpdated(car: CarID(42), pipeline: PipelineID(101), commit: Fixture.sha("car-1"), state: .failed),
        .carBuilt(car: CarID(1), commit: Fixture.sha("again")),
        .carConflicted(car: CarID(9), change: 1, paths: []),
        .carLanded(car: CarID(1), commit: Fixture.sha("base")),
        .landingRejected(car: CarID(1), message: "stale"),
    ])
    func staleOrForeignResultsChangeNothing(event: TrainEvent) {
        var (train, _) = Fixture.queued([1])
        _ = Fixture.startAll(&train)
        let before = train
        let actions = train.apply(event)
        #expect(train == before)
        #expect(actions.isEmpty)
    }

    @Test func flakeBudgetRunsAFailedPipelineAgainBeforeBlaming() {
        var (train, _) = Fixture.queued([1])
        train.settings.flakeRetries = 1
        _ = Fixture.startAll(&train)
        let first = Fixture.finish(&train, car: 1, .failed)
        #expect(first.contains(.startPipeline(car: CarID(1), ref: "trainyard/main/1", commit: Fixture.sha("car-1"))))
        #expect(first.comments(on: 1).isEmpty)
        _ = train.apply(.pipelineCreated(car: CarID(1), pipeline: PipelineID(301), commit: Fixture.sha("car-1")))
        let second = train.apply(
            .pipelineUpdated(car: CarID(1), pipeline: PipelineID(301), commit: Fixture.sha("car-1"), state: .failed))
        #expect(second.comments(on: 1).first?.contains("pipeline #301 failed, as did the 1 run(s) before it") == true)
    }

    @Test func flakyRunThatPassesOnTheRerunLands() {
        var (train, _) = Fixture.queued([1])
        train.settings.flakeRetries = 1
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 1, .failed)
        _ = train.apply(.pipelineCreated(car: CarID(1), pipeline: PipelineID(301), commit: Fixture.sha("car-1")))
        let passed = train.apply(
            .pipelineUpdated(car: CarID(1), pipeline: PipelineID(301), commit: Fixture.sha("car-1"), state: .success))
        #expect(passed.lands == [CarID(1)])
    }

    @Test func cancelledPipelineIsRestartedOnceThenBlamed() {
        var (train, _) = Fixture.queued([1])
        _ = Fixture.startAll(&train)
        let first = Fixture.finish(&train, car: 1, .canceled)
        #expect(first == [.startPipeline(car: CarID(1), ref: "trainyard/main/1", commit: Fixture.sha("car-1"))])
        _ = train.apply(.pipelineCreated(car: CarID(1), pipeline: PipelineID(201), commit: Fixture.sha("car-1")))
        let second = train.apply(
            .pipelineUpdated(car: CarID(1), pipeline: PipelineID(201), commit: Fixture.sha("car-1"), state: .canceled))
        #expect(second.comments(on: 1).first?.contains("cancelled outside Trainyard 2 times") == true)
    }

    @Test func rejectedLandingRereadsTheTargetAndGivesUpAfterThreeTries() {
        var (train, _) = Fixture.queued([1])
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 1, .success)
        for attempt in 1...3 {
            let rejected = train.apply(.landingRejected(car: CarID(1), message: "protected branch"))
            if attempt < 3 {
                #expect(rejected == [.fetchTarget])
                #expect(train.apply(.targetMoved(head: Fixture.sha("base"))).lands == [CarID(1)])
            } else {
                #expect(rejected.comments(on: 1).first?.contains("after 3 tries: protected branch") == true)
            }
        }
        #expect(train.queue.isEmpty)
    }

    @Test(arguments: [
        (TrainEvent.changeDequeued(number: 1, by: "@bob"), "by @bob", CommitState.canceled),
        (.changeClosed(number: 1), "was closed", .canceled),
        (.changeMerged(number: 1), "merged outside", .canceled),
    ])
    func removalsSayWhy(event: TrainEvent, words: String, state: CommitState) {
        var (train, _) = Fixture.queued([1, 2])
        _ = Fixture.startAll(&train)
        let actions = train.apply(event)
        #expect(actions.comments(on: 1).first?.contains(words) == true)
        #expect(actions.statuses(on: 1) == [state])
        #expect(train.queue.map(\.number) == [2])
    }

    @Test func changesInTheLandingCarCannotBeTakenOff() {
        var (train, _) = Fixture.queued([1])
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 1, .success)
        let dequeued = train.apply(.changeDequeued(number: 1, by: "@bob"))
        #expect(dequeued.comments(on: 1).first?.contains("too late") == true)
        #expect(train.queue.count == 1)
    }

    @Test func dequeueOfAChangeNotOnTheTrainSaysSo() {
        var train = Train(id: Fixture.train)
        let actions = train.apply(.changeDequeued(number: 5, by: "@bob"))
        #expect(actions.comments(on: 5).first?.contains("not on the merge train") == true)
    }

    @Test func refusedPipelineRemovesTheChangeWithAHint() {
        var (train, _) = Fixture.queued([1])
        _ = train.apply(.carBuilt(car: CarID(1), commit: Fixture.sha("car-1")))
        let refused = train.apply(.pipelineCreationFailed(car: CarID(1), message: "Reference not found"))
        #expect(refused.comments(on: 1).first?.contains("CI runs for `trainyard/*` branches") == true)
    }

    @Test func duplicatePipelineForACarIsCancelled() {
        var (train, _) = Fixture.queued([1])
        _ = Fixture.startAll(&train)
        let extra = train.apply(
            .pipelineCreated(car: CarID(1), pipeline: PipelineID(555), commit: Fixture.sha("car-1")))
        #expect(extra == [.cancelPipeline(car: CarID(1), pipeline: PipelineID(555))])
    }
}

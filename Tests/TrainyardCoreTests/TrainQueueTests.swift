import Testing
import TrainyardCore

/// Queueing, building and landing on the happy path.
struct TrainQueueTests {
    @Test func firstEnqueueAsksForTheTargetBeforeBuilding() {
        var train = Train(id: Fixture.train)
        let actions = train.apply(.changeEnqueued(Fixture.change(1)))
        #expect(actions.contains(.fetchTarget))
        #expect(actions.builds.isEmpty)
        #expect(actions.comments(on: 1).first?.contains("position 1 of 1") == true)
        let second = train.apply(.changeEnqueued(Fixture.change(2)))
        #expect(!second.contains(.fetchTarget), "one outstanding fetch is enough")
        let built = train.apply(.targetMoved(head: Fixture.sha("base")))
        #expect(built.builds == [[1], [1, 2]])
    }

    @Test(arguments: [
        (changes: 3, window: 8, cars: [[1], [1, 2], [1, 2, 3]]), (changes: 5, window: 2, cars: [[1], [1, 2]]),
    ])
    func carsCoverPrefixesUpToTheWindow(changes: Int, window: Int, cars: [[Int]]) {
        let (train, actions) = Fixture.queued(Array(1...changes), window: window)
        #expect(actions.builds == cars)
        #expect(train.cars.map { $0.changes.map(\.number) } == cars)
        #expect(train.cars.allSatisfy { $0.base == Fixture.sha("base") })
    }

    @Test func carRefsNameTheTargetAndTheCar() {
        let (train, actions) = Fixture.queued([7])
        #expect(
            actions.contains(
                .buildCar(car: CarID(1), ref: "trainyard/main/1", base: Fixture.sha("base"), changes: train.queue)))
    }

    @Test func builtCarStartsItsPipelineAndReportsRunning() {
        var (train, _) = Fixture.queued([1])
        let built = train.apply(.carBuilt(car: CarID(1), commit: Fixture.sha("car-1")))
        #expect(built.contains(.startPipeline(car: CarID(1), ref: "trainyard/main/1", commit: Fixture.sha("car-1"))))
        let created = train.apply(
            .pipelineCreated(car: CarID(1), pipeline: PipelineID(101), commit: Fixture.sha("car-1")))
        #expect(created.statuses(on: 1) == [.running])
        #expect(train.cars[0].status == .testing)
    }

    @Test func passingFirstCarLandsAndRebasesTheCarsBehind() {
        var (train, _) = Fixture.queued([1, 2, 3])
        _ = Fixture.startAll(&train)
        let passed = Fixture.finish(&train, car: 1, .success)
        #expect(passed == [.land(car: CarID(1), commit: Fixture.sha("car-1"), expected: Fixture.sha("base"))])
        let landed = train.apply(.carLanded(car: CarID(1), commit: Fixture.sha("car-1")))
        #expect(landed.statuses(on: 1) == [.success])
        #expect(landed.comments(on: 1).first?.contains("pipeline #101 tested exactly this commit") == true)
        #expect(landed.deletedRefs == ["trainyard/main/1"])
        #expect(train.targetHead == Fixture.sha("car-1"))
        #expect(train.queue.map(\.number) == [2, 3])
        #expect(train.cars.map { $0.changes.map(\.number) } == [[2], [2, 3]])
        #expect(train.cars.allSatisfy { $0.base == Fixture.sha("car-1") && $0.status == .testing })
        #expect(landed.cancels.isEmpty, "the cars behind stay valid and keep running")
    }

    @Test func deepestPassedCarLandsEverythingAheadOfIt() {
        var (train, _) = Fixture.queued([1, 2, 3])
        _ = Fixture.startAll(&train)
        let passed = Fixture.finish(&train, car: 3, .success)
        #expect(passed.lands == [CarID(3)])
        let landed = train.apply(.carLanded(car: CarID(3), commit: Fixture.sha("car-3")))
        #expect(Set(landed.cancels) == [PipelineID(101), PipelineID(102)])
        #expect(landed.statuses(on: 1) == [.success] && landed.statuses(on: 2) == [.success])
        #expect(train.queue.isEmpty && train.cars.isEmpty)
    }

    @Test func ourOwnPushWebhookCountsAsTheLanding() {
        var (train, _) = Fixture.queued([1])
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 1, .success)
        let moved = train.apply(.targetPushed(head: Fixture.sha("car-1")))
        #expect(moved.statuses(on: 1) == [.success])
        #expect(train.queue.isEmpty)
        let late = train.apply(.carLanded(car: CarID(1), commit: Fixture.sha("car-1")))
        #expect(late.isEmpty, "the landing result arriving after the webhook changes nothing")
    }

    @Test func onlyOneLandingAtATime() {
        var (train, _) = Fixture.queued([1, 2])
        _ = Fixture.startAll(&train)
        #expect(Fixture.finish(&train, car: 1, .success).lands == [CarID(1)])
        #expect(Fixture.finish(&train, car: 2, .success).lands.isEmpty)
        let landed = train.apply(.carLanded(car: CarID(1), commit: Fixture.sha("car-1")))
        #expect(landed.lands == [CarID(2)], "the passed car behind lands once the first landing is done")
    }

    @Test func windowRefillsAsCarsLand() {
        var (train, _) = Fixture.queued([1, 2, 3], window: 2)
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 1, .success)
        let landed = train.apply(.carLanded(car: CarID(1), commit: Fixture.sha("car-1")))
        #expect(landed.builds == [[2, 3]])
        #expect(train.cars.last?.base == Fixture.sha("car-1"))
    }

    @Test func enqueueTwiceAnswersWithThePosition() {
        var (train, _) = Fixture.queued([1, 2])
        let before = train
        let again = train.apply(.changeEnqueued(Fixture.change(2)))
        #expect(again.comments(on: 2).first?.contains("already on the merge train") == true)
        #expect(train == before)
    }

    @Test func statusDescriptionsCarryThePosition() {
        let (_, actions) = Fixture.queued([1, 2])
        let descriptions = actions.compactMap { action -> String? in
            if case .setStatus(2, _, _, let description) = action { return description } else { return nil }
        }
        #expect(descriptions.last?.contains("position 2 of 2 on main") == true)
    }
}

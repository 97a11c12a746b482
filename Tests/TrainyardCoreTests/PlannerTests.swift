import Testing
import TrainyardCore

/// The documented behaviour of each planner's source, reproduced on the train.
struct PlannerTests {
    @Test func serialTestsOneChangeAtATime() {
        var (train, actions) = Fixture.queued([1, 2, 3], window: 8, planner: .serial)
        #expect(actions.builds == [[1]], "one car, holding only the head of the queue")
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 1, .success)
        let landed = train.apply(.carLanded(car: CarID(1), commit: Fixture.sha("car-1")))
        #expect(landed.builds == [[2]], "the next change is tested on the new target once the first landed")
        #expect(train.cars.count == 1)
    }

    @Test func serialRejectsAFailingHeadAndMovesOn() {
        var (train, _) = Fixture.queued([1, 2], planner: .serial)
        _ = Fixture.startAll(&train)
        let failed = Fixture.finish(&train, car: 1, .failed)
        #expect(failed.comments(on: 1).first?.contains("!1 alone") == true)
        #expect(failed.builds == [[2]])
    }

    /// gitlab-org/gitlab#500693: car 2 fails while car 1 (the real culprit) is still running;
    /// GitLab ejects !2 at once and restarts every car behind it.
    @Test func gitlabEjectsPrematurelyAsReported() {
        var (train, _) = Fixture.queued([1, 2, 3], planner: .gitlab)
        _ = Fixture.startAll(&train)
        let failed = Fixture.finish(&train, car: 2, .failed)
        let note = failed.comments(on: 2).first ?? ""
        #expect(note.contains("removes the newest change of a failed car at once"))
        #expect(failed.cancels == [PipelineID(103)], "car 3 held !2 and restarts")
        #expect(failed.builds == [[1, 3]])
        #expect(train.cars.first?.status == .testing, "car 1 keeps running")
        let culprit = Fixture.finish(&train, car: 1, .failed)
        #expect(culprit.comments(on: 1).count == 1, "!1 is removed too: two removals for one bad change")
    }

    @Test func prefixWaitsWhereGitlabEjects() {
        var (train, _) = Fixture.queued([1, 2, 3], planner: .prefix)
        _ = Fixture.startAll(&train)
        #expect(Fixture.finish(&train, car: 2, .failed).comments(on: 2).isEmpty)
        let culprit = Fixture.finish(&train, car: 1, .failed)
        #expect(culprit.comments(on: 1).count == 1)
        #expect(culprit.comments(on: 2).isEmpty, "!2 is rebuilt without !1 instead of being removed")
        #expect(culprit.builds == [[2], [2, 3]])
    }

    @Test(arguments: PlannerKind.allCases)
    func everyPlannerLandsAPassingQueue(planner: PlannerKind) {
        var (train, _) = Fixture.queued([1, 2, 3], planner: planner)
        var landedAll: [Int] = []
        for _ in 0..<10 where !train.queue.isEmpty {
            _ = Fixture.startAll(&train)
            guard let car = train.cars.last else { break }
            _ = Fixture.finish(&train, car: car.id.value, .success)
            guard let landing = train.cars.first(where: { $0.status == .landing }), let commit = landing.commit else {
                break
            }
            landedAll += landing.changes.map(\.number)
            _ = train.apply(.carLanded(car: landing.id, commit: commit))
        }
        #expect(landedAll == [1, 2, 3])
    }

    /// A bors train whose changes were all waiting when the target became known.
    static func waiting(_ numbers: [Int]) -> (Train, [TrainAction]) {
        var train = Train(id: Fixture.train, settings: TrainSettings(maxParallel: 8, planner: .bors))
        for number in numbers { _ = train.apply(.changeEnqueued(Fixture.change(number))) }
        let actions = train.apply(.targetMoved(head: Fixture.sha("base")))
        return (train, actions)
    }

    /// bors-ng: everything waiting goes into one car; a failed batch is split into halves tested
    /// one after the other, the first half first, each on the target of the moment.
    @Test func borsBatchesAndBisectsInOrder() {
        var (train, actions) = Self.waiting([1, 2, 3, 4])
        #expect(actions.builds == [[1, 2, 3, 4]], "one car with everything waiting")
        var built: [[Int]] = []
        var removed: [Int] = []
        var landed: [Int] = []
        let bad: Set<Int> = [3]
        for _ in 0..<20 where !train.queue.isEmpty {
            for car in train.cars where car.status == .building {
                built.append(car.changes.map(\.number))
                _ = train.apply(.carBuilt(car: car.id, commit: Fixture.sha("car-\(car.id)")))
                _ = train.apply(
                    .pipelineCreated(
                        car: car.id, pipeline: PipelineID(100 + car.id.value), commit: Fixture.sha("car-\(car.id)")))
            }
            guard let testing = train.cars.first(where: { $0.status == .testing }) else { break }
            let state: PipelineState = testing.changes.contains { bad.contains($0.number) } ? .failed : .success
            let result = Fixture.finish(&train, car: testing.id.value, state)
            removed += [1, 2, 3, 4].filter { !result.comments(on: $0).isEmpty && result.statuses(on: $0) == [.failed] }
            if let landing = train.cars.first(where: { $0.status == .landing }), let commit = landing.commit {
                landed += landing.changes.map(\.number)
                let after = train.apply(.carLanded(car: landing.id, commit: commit))
                removed += [1, 2, 3, 4].filter { after.statuses(on: $0) == [.failed] }
            }
        }
        #expect(built == [[1, 2, 3, 4], [1, 2], [3], [4]])
        #expect(landed == [1, 2, 4])
        #expect(removed == [3])
    }

    @Test func borsTakesNewArrivalsInTheNextBatch() {
        var (train, _) = Self.waiting([1, 2])
        _ = Fixture.startAll(&train)
        let arrival = train.apply(.changeEnqueued(Fixture.change(3)))
        #expect(arrival.builds.isEmpty, "the running batch is not disturbed")
        _ = Fixture.finish(&train, car: 1, .success)
        let landed = train.apply(.carLanded(car: CarID(1), commit: Fixture.sha("car-1")))
        #expect(landed.builds == [[3]])
    }
}

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

    /// Zuul's gating example: A–E queued, C's car fails while A and B are still running. The cars
    /// behind C are rebuilt at once without it (nearest non-failing item); C is removed once A and
    /// B passed; D and E land without waiting for another round.
    @Test func zuulReparentsBehindAFailingChange() {
        var (train, _) = Fixture.queued([1, 2, 3, 4, 5], window: 20, planner: .zuul)
        _ = Fixture.startAll(&train)
        let failed = Fixture.finish(&train, car: 3, .failed)
        #expect(Set(failed.cancels) == [PipelineID(104), PipelineID(105)], "the cars holding C are reset")
        #expect(failed.builds == [[1, 2, 4], [1, 2, 4, 5]], "D and E are rebuilt on A and B without C")
        #expect(failed.comments(on: 3).isEmpty, "C is not blamed while A and B run")
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 1, .success)
        let passed = Fixture.finish(&train, car: 2, .success)
        #expect(passed.comments(on: 3).first?.contains("the car without !3 passed") == true)
        #expect(train.queue.map(\.number) == [1, 2, 4, 5])
        #expect(train.window == 10, "the AIMD window halves on a failure (20 → 10)")
    }

    /// `adaptive` lands any passed car that holds the first changes of the queue, without waiting
    /// for the shorter cars: the tested tree is green whatever they say.
    @Test func adaptiveLandsAPassedPrefixWithoutWaitingForShorterCars() {
        var (train, _) = Fixture.queued([1, 2, 3], window: 20, planner: .adaptive)
        _ = Fixture.startAll(&train)
        let longest = train.cars.first { $0.changes.map(\.number) == [1, 2, 3] }!.id
        let passed = Fixture.finish(&train, car: longest.value, .success)
        #expect(passed.lands == [longest])
        let landed = train.apply(.carLanded(car: longest, commit: Fixture.sha("car-\(longest)")))
        let shorter = train.cars.isEmpty && !landed.cancels.contains(PipelineID(100 + longest.value))
        #expect(shorter, "every other car is done: cancelled, or it bet against a landed change")
        #expect(train.queue.isEmpty)
    }
}

extension PlannerTests {
    /// A failed batch is bisected even when the window holds a single car (regression: fuzz seed
    /// 21867241865039 left the train waiting forever).
    @Test func adaptiveBisectsAFailedBatchWithAWindowOfOne() {
        var (train, first) = Fixture.resumed([8, 9, 3, 7, 5], window: 1, planner: .adaptive)
        #expect(
            first.builds == [[8, 9, 3, 7, 5]],
            "1/√p is 4 at the prior failure rate of 1 in 20, but a batch of 5 holds the whole queue in the window")
        _ = Fixture.startAll(&train)
        let failed = Fixture.finish(&train, car: train.cars[0].id.value, .failed)
        #expect(failed.builds == [[8, 9]], "the failed batch is split; its first half is tested")
    }
}

extension PlannerTests {
    /// SubmitQueue's speculation: besides the prefix cars, a skip-variant that bets the first
    /// change fails; when it does, the variant lands a round earlier than a prefix train would.
    @Test func submitqueueBuildsASkipVariant() {
        var (train, actions) = Fixture.queued([1, 2, 3], window: 4, planner: .submitqueue)
        #expect(Set(actions.builds) == [[1], [1, 2], [2], [1, 2, 3]])
        _ = Fixture.startAll(&train)
        let variant = train.cars.first { $0.changes.map(\.number) == [2] }!.id.value
        let failed = Fixture.finish(&train, car: 1, .failed)
        #expect(failed.comments(on: 1).first?.contains("!1 alone") == true)
        let passed = Fixture.finish(&train, car: variant, .success)
        #expect(passed.lands == [CarID(variant)], "the variant holds the queue's first change now")
    }
}

extension PlannerTests {
    /// Mergify's split: a failed batch is cut into parts tested at once, each on top of the parts
    /// before it (prefixes), so one round finds the culprit among 5.
    @Test func mergifySplitsAFailedBatchIntoPrefixes() {
        var (train, first) = Fixture.resumed([1, 2, 3, 4, 5], window: 4, planner: .mergify)
        #expect(first.builds == [[1, 2, 3, 4, 5]])
        _ = Fixture.startAll(&train)
        let failed = Fixture.finish(&train, car: 1, .failed)
        #expect(failed.builds == [[1, 2], [1, 2, 3], [1, 2, 3, 4]])
    }

    /// Trunk's pending failure and optimistic merging: a failed batch is not blamed while a longer
    /// car holding it runs; when that car passes, everything in it lands.
    @Test func trunkWaitsForPendingFailuresAndMergesOptimistically() {
        var (train, first) = Fixture.resumed(Array(1...10), window: 2, planner: .trunk)
        #expect(first.builds == [[1, 2, 3, 4, 5], Array(1...10)])
        _ = Fixture.startAll(&train)
        let failed = Fixture.finish(&train, car: 1, .failed)
        #expect(failed.cancels.isEmpty && failed.comments(on: 1).isEmpty, "no blame, and the longer car keeps running")
        #expect(failed.builds == [[1, 2]], "bisection starts in the slot the longer car leaves free")
        let passed = Fixture.finish(&train, car: 2, .success)
        #expect(passed.lands == [CarID(2)], "all ten land in the car that passed")
    }
}

extension PlannerTests {
    /// One removal early on (a burst) reads as a failure rate of 1 in 10, but `adaptive` keeps
    /// batching (Trunk's 5, too few failures to trust the rate) until three changes were removed;
    /// then a high rate means one change per car.
    @Test(arguments: [(1, 0, [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6]]), (3, 10, [[1]])])
    func adaptiveLeavesBatchesOnlyAfterThreeRemovals(blamed: Int, landed: Int, builds: [[Int]]) {
        var stats = PlannerStats()
        stats.blamed = blamed
        stats.landed = landed
        let (_, first) = Fixture.resumed(Array(1...6), window: 4, planner: .adaptive, stats: stats)
        #expect(Array(first.builds.prefix(builds.count)) == builds)
    }
}

extension PlannerTests {
    /// At a learnt failure rate of about 1 in 17 `adaptive` batches 4 (1/√p), but grows its
    /// batches up to 5 when that puts the whole queue in flight, one car kept free for a part of a
    /// failed batch.
    @Test(arguments: [(8, [4, 8]), (14, [5, 10, 14]), (30, [5, 10, 15, 20])])
    func adaptiveBatchesGrowToHoldTheQueueInTheWindow(queued: Int, lengths: [Int]) {
        var stats = PlannerStats()
        stats.blamed = 12
        stats.retried = 8
        stats.landed = 200
        let (_, first) = Fixture.resumed(Array(1...queued), window: 4, planner: .adaptive, stats: stats)
        #expect(first.builds.map(\.count) == lengths)
    }
}

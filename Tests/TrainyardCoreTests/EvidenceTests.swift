import Testing
@testable import TrainyardCore

/// `adaptive` starts as Trunk (batches of 5, a pending failure depth of 2) and follows its learnt
/// rates once it has seen `Train.failuresBeforeLearntDepth` failures: a handful of early failures
/// reads as a flake share of one half or a failure rate of 1 in 14, which made it wait for a
/// third failed car behind every bad change and batch by 4 on a train that rarely fails.
struct EvidenceTests {
    /// (changes removed, flakes proven, changes landed) → (pending failure depth, batch size).
    @Test(arguments: [
        (0, 0, 0, 2, 5),
        // 7 failures: a flake share of 0.55 and a failure rate of 0.07 are not trusted yet.
        (2, 5, 20, 2, 5),
        // 20 failures, a flake share of 0.54: one more failed car is waited for.
        (8, 12, 300, 3, 5),
        // 20 failures, a failure rate of 0.056: batches of 4.
        (12, 8, 200, 2, 4),
    ])
    func learntRatesNeedEnoughFailures(blamed: Int, flakes: Int, landed: Int, depth: Int, batch: Int) {
        var train = Train(id: Fixture.train, settings: TrainSettings(maxParallel: 8, planner: .adaptive))
        var stats = PlannerStats()
        stats.blamed = blamed
        stats.provenFlakes = flakes
        stats.landed = landed
        train.stats = stats
        train.queue = (1...3).map { Fixture.change($0) }
        #expect(stats.failuresSeen == blamed + flakes)
        #expect(train.pendingDepth == depth)
        #expect(Reparenting.batchSize(for: train) == batch)
    }

    /// Trunk's own depth is its setting, whatever the train learnt.
    @Test func trunkKeepsItsDepth() {
        var train = Train(
            id: Fixture.train,
            settings: TrainSettings(planner: .trunk, plannerSettings: PlannerSettings(pendingFailureDepth: 4)))
        var stats = PlannerStats()
        stats.provenFlakes = 30
        train.stats = stats
        #expect(train.pendingDepth == 4)
    }
}

/// A failed car whose newest change the landing car holds is superseded, even when the landing
/// car leaves out a change the failed car holds (it lands around a suspect): blaming that change
/// is refused while it lands, and blaming it again and again never ended (found by a 1,600-hour
/// simulation of S2).
struct LandingAroundASuspectTests {
    @Test func aFailedCarWhoseNewestChangeIsLandingDoesNotBlame() {
        var train = Train(id: Fixture.train, settings: TrainSettings(maxParallel: 8, planner: .adaptive))
        _ = train.apply(.targetMoved(head: Fixture.sha("base")))
        _ = train.apply(.trainPaused(reason: "setup", by: "@alice"))
        for number in 1...4 { _ = train.apply(.changeEnqueued(Fixture.change(number))) }
        let queue = train.queue
        func car(_ id: Int, _ numbers: [Int], _ status: Car.Status) -> Car {
            var car = Car(
                id: CarID(id), base: Fixture.sha("base"),
                changes: numbers.map { number in queue.first { $0.number == number }! })
            car.status = status
            car.commit = Fixture.sha("car-\(id)")
            return car
        }
        // [1, 3] landed around !2 while it was a suspect; [1, 2] passed since, and [1, 2, 3] failed.
        train.cars = [car(1, [1, 2], .passed), car(2, [1, 3], .landing), car(3, [1, 2, 3], .failed)]
        let resumed = train.apply(.trainResumed(by: "@alice"))
        #expect(train.queue.map(\.number) == [1, 2, 3, 4], "nothing is removed")
        #expect(!resumed.contains { if case .setStatus(3, _, .failed, _) = $0 { true } else { false } })
        _ = train.apply(.carLanded(car: CarID(2), commit: Fixture.sha("car-2")))
        #expect(train.queue.map(\.number) == [2, 4])
    }
}

import Testing

@testable import TrainyardCore

/// The planners at monorepo scale: how deep `adaptive` speculates with batches, and the fast
/// searches that replaced pairwise comparisons of cars (checked against the plain definitions).
struct PlannerScaleTests {
    /// The car behind `d` batches is built only while the chance that they all pass is at least
    /// 1 in 100: depth = the smallest d with (1 − p)^(b·d) < 0.01.
    @Test(arguments: [
        (unit: 4, failureRate: 0.05, depth: 23),
        (unit: 3, failureRate: 0.1, depth: 15),
        (unit: 5, failureRate: 0.02, depth: 46),
        (unit: 1, failureRate: 0.5, depth: 7),
    ])
    func usefulDepthFollowsTheChanceThatTheBatchesAheadPass(unit: Int, failureRate: Double, depth: Int) {
        #expect(Reparenting.usefulDepth(unit: unit, failureRate: failureRate) == depth)
    }

    @Test func usefulDepthIsUnboundedWithoutFailures() {
        #expect(Reparenting.usefulDepth(unit: 5, failureRate: 0) == Int.max)
    }

    /// With 500 runners and a failure rate of about 1 in 15, `adaptive` without probes builds
    /// batches of 4 only 17 deep, not one car per batch of a 200-long queue. With probes, the
    /// batches worth building would leave most of the window idle, so it goes change by change
    /// and probes the rest.
    @Test func adaptiveDoesNotSpeculatePastTheUsefulDepth() {
        var stats = PlannerStats()
        stats.blamed = 6
        stats.retried = 14
        stats.landed = 80
        let (_, batches) = Fixture.resumed(
            Array(1...200), window: 500, planner: .adaptive, stats: stats, tuning: PlannerSettings(probes: false))
        #expect(batches.builds.count == 17)
        #expect(batches.builds.first == [1, 2, 3, 4])
        #expect(batches.builds.last?.count == 68)
        let (train, probing) = Fixture.resumed(Array(1...200), window: 500, planner: .adaptive, stats: stats)
        #expect(probing.builds.first == [1])
        #expect((train.probes ?? []).count > 100)
        #expect(train.cars.count + (train.probes ?? []).count <= 500)
    }

    /// The forest search for the cars holding a pending failure answers what the pairwise
    /// definition does, on `trunk` trains driven through random failures and passes.
    @Test(arguments: 1...40)
    func carsHoldingPendingFailuresMatchThePairwiseDefinition(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed))
        var (train, _) = Fixture.queued(Array(1...30), window: 12, planner: .trunk)
        for _ in 0..<25 {
            _ = Fixture.startAll(&train)
            let running = train.cars.filter { $0.status == .testing }
            guard !running.isEmpty else { break }
            let car = running[Int(random.next() % UInt64(running.count))]
            _ = Fixture.finish(&train, car: car.id.value, random.next() % 3 == 0 ? .failed : .success)
            let expected = Self.pairwise(train).map(\.id)
            #expect(train.carsHoldingPendingFailures.map(\.id) == expected, "seed \(seed)")
            #expect(Self.linksHold(train) == nil, "seed \(seed)")
        }
    }

    /// The definition: running cars that start with a failed car that is still pending (a longer
    /// car holding it runs and fewer than the depth of them failed).
    static func pairwise(_ train: Train) -> [Car] {
        func holders(_ car: Car) -> [Car] {
            train.cars.filter { $0.changes.count > car.changes.count && $0.starts(with: car.changes[...]) }
        }
        let pending = train.cars.filter { car in
            car.status == .failed && holders(car).contains(where: \.isInFlight)
                && holders(car).count { $0.status == .failed } < train.pendingDepth
        }
        return train.cars.filter { car in
            car.isInFlight
                && pending.contains { car.changes.count > $0.changes.count && car.starts(with: $0.changes[...]) }
        }
    }

    /// What the car links promise: a car starts with the car it was built on while that car is in
    /// the train, and the linked queue-prefix search answers the plain definition. Returns what
    /// is wrong, if anything.
    static func linksHold(_ train: Train) -> String? {
        for car in train.cars {
            guard let parent = car.parent, let built = train.cars.first(where: { $0.id == parent }) else { continue }
            if !car.starts(with: built.changes[...]) || built.changes.count >= car.changes.count {
                return "car \(car.id) does not extend its parent \(parent)"
            }
        }
        let plain = train.cars.map { car in
            car.changes.count <= train.queue.count
                && zip(car.changes, train.queue).allSatisfy { $0.number == $1.number && $0.head == $1.head }
        }
        return train.queuePrefixFlags() == plain ? nil : "queue prefixes \(train.queuePrefixFlags()) against \(plain)"
    }

    @Test func carKeySetAnswersLikeASetOfArrays() {
        var random = SplitMix64(seed: 7)
        let cars = (0..<300).map { _ in (0..<Int(random.next() % 6)).map { _ in Int(random.next() % 4) } }
        let keys = CarKeySet(cars)
        let plain = Set(cars)
        for _ in 0..<300 {
            let probe = (0..<Int(random.next() % 6)).map { _ in Int(random.next() % 4) }
            #expect(keys.contains(probe) == plain.contains(probe))
        }
    }
}

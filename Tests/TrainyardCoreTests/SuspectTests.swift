import Testing

@testable import TrainyardCore

/// `adaptive` while it speculates change by change with probes: cars that skip what is known, the
/// suspects the cars behind leave out, landing and blaming around them, and holding back a suspect
/// proven good while the cars that left it out are well on their way.
@Suite struct SuspectTests {
    /// A paused adaptive train with `numbers` queued and no cars; `passed` and `failed` are the
    /// changes whose probes ended that way.
    static func planned(_ numbers: [Int], passed: Set<Int> = [], failed: Set<Int> = []) -> Train {
        var train = Train(id: Fixture.train, settings: TrainSettings(maxParallel: 500, planner: .adaptive))
        train.stats = ProbeTests.failing
        _ = train.apply(.targetMoved(head: Fixture.sha("base")))
        _ = train.apply(.trainPaused(reason: "planning", by: "@alice"))
        for number in numbers { _ = train.apply(.changeEnqueued(Fixture.change(number))) }
        train.probes = numbers.filter { passed.contains($0) || failed.contains($0) }.map { number in
            var probe = Car(id: CarID(1000 + number), base: Fixture.sha("base"), changes: [Fixture.change(number)])
            probe.status = passed.contains(number) ? .passed : .failed
            probe.pipeline = PipelineID(1000 + number)
            return probe
        }
        return train
    }

    /// Tells the train the time, `seconds` after the changes were queued, and answers the target
    /// check the tick asks for.
    static func tick(_ train: inout Train, at seconds: Int64) {
        _ = train.apply(.tick(now: Instant(seconds: 1_700_000_000 + seconds)))
        if let head = train.targetHead { _ = train.apply(.targetMoved(head: head)) }
    }

    static func plan(_ train: Train, budget: Int) -> CarPlan {
        SpeculationTree.plan(for: train, budget: budget, good: 0.9, suspectGood: 0.22)
    }

    /// A car whose next change passed alone is only needed if the longer car fails: it ranks by
    /// that chance (1 in 100), so a tight budget builds only the cars at the end of a run of
    /// verified changes.
    @Test func carsEndWhereTheVerifiedChangesEnd() {
        let train = Self.planned([1, 2, 3, 4, 5], passed: [2, 3])
        let tight = Self.plan(train, budget: 5)
        #expect(tight.cars == [[0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 3, 4]])
        #expect(tight.probes == [4, 3])
        let wide = Self.plan(train, budget: 20)
        #expect(wide.cars.last == [0], "with room to spare, the first change's own car comes last")
        #expect(!wide.cars.contains([0, 1]), "a car whose next change is verified is below the threshold")
    }

    /// A car already running is kept even when its next change has since passed alone.
    @Test func aRunningCarIsKeptWhenItsNextChangeIsVerified() {
        var train = Self.planned([1, 2, 3, 4, 5], passed: [2, 3])
        var running = Car(id: CarID(1), base: Fixture.sha("base"), changes: [Fixture.change(1)])
        running.status = .testing
        running.pipeline = PipelineID(1)
        train.cars = [running]
        #expect(Self.plan(train, budget: 4).cars.first == [0])
    }

    /// Probes go as deep as the queue is planned, past the depth where cars are too unlikely to
    /// be needed: the deepest changes are the ones whose cars are most confounded.
    @Test func probesReachPastTheCars() {
        let train = Self.planned(Array(1...60))
        let plan = Self.plan(train, budget: 200)
        #expect(plan.probes.contains(59))
        #expect((plan.cars.map(\.count).max() ?? 0) < 60)
    }

    /// A car that leaves out a suspect lands around it whatever the suspect turns out to be, so a
    /// long run of suspects does not make the cars behind them unlikely (only the first two
    /// suspects discount them).
    @Test func theCarsBehindManySuspectsAreStillBuilt() {
        let train = Self.planned(Array(1...30), passed: Set(22...30), failed: Set(2...21))
        let plan = Self.plan(train, budget: 50)
        #expect(plan.cars.contains([0] + Array(21...29)))
    }

    /// A failed car that leaves out only failing changes blames its newest change like a prefix
    /// car: the changes ahead it left out are not needed to judge it.
    @Test func aFailedCarAroundASuspectBlames() throws {
        var (train, probe2) = try ProbeTests.running([1, 2, 3], probed: 2)
        let probe3 = try #require(ProbeTests.probe(of: 3, in: train))
        _ = Fixture.finish(&train, car: probe2.id.value, .failed)
        _ = Fixture.finish(&train, car: probe3.id.value, .failed)
        _ = Fixture.startAll(&train)
        let skipper = try #require(train.cars.first { $0.changes.map(\.number) == [1, 3] })
        #expect(Fixture.finish(&train, car: 1, .success).lands == [CarID(1)])
        _ = train.apply(.carLanded(car: CarID(1), commit: Fixture.sha("car-1")))
        #expect(train.queue.map(\.number) == [2, 3])
        let failed = Fixture.finish(&train, car: skipper.id.value, .failed)
        #expect(failed.statuses(on: 3) == [.failed], "!3 failed alone on the new target, as its probe did")
        #expect(failed.comments(on: 3).contains { $0.contains("!3 alone") })
        #expect(train.queue.map(\.number) == [2], "!2 is still judged by its own car")
    }

    /// A passed car that leaves out only suspects lands before a shorter passed prefix of the
    /// queue: it lands more, and the suspect stays queued to be tested again.
    @Test func aLongerCarAroundASuspectLandsFirst() throws {
        var (train, probe) = try ProbeTests.running([1, 2, 3], probed: 2)
        _ = Fixture.finish(&train, car: probe.id.value, .failed)
        _ = Fixture.startAll(&train)
        let around = try #require(train.cars.first { $0.changes.map(\.number) == [1, 3] })
        // A tick re-reads the target: nothing lands until the answer, so both cars pass meanwhile.
        _ = train.apply(.tick(now: Instant(seconds: 1_700_000_001)))
        _ = train.apply(.tick(now: Instant(seconds: 1_700_000_200)))
        #expect(Fixture.finish(&train, car: 1, .success).lands.isEmpty)
        #expect(Fixture.finish(&train, car: around.id.value, .success).lands.isEmpty)
        #expect(train.apply(.targetMoved(head: Fixture.sha("base"))).lands == [around.id])
        _ = train.apply(.carLanded(car: around.id, commit: Fixture.sha("car-\(around.id)")))
        #expect(train.queue.map(\.number) == [2])
    }

    /// A suspect whose own car passes while cars that left it out are halfway through their run or
    /// more is held back: the longest of them lands around it, and the suspect is tested again. Cars
    /// that left it out more recently are dropped instead, and the suspect lands at once.
    @Test(arguments: [(600, true), (700, false)])
    func aSuspectProvenGoodIsHeldBackForTheCarsWellOnTheirWay(probeFailsAfter: Int64, held: Bool) throws {
        var (train, probe) = try ProbeTests.running([1, 2, 3, 4], probed: 2)
        Self.tick(&train, at: probeFailsAfter)
        _ = Fixture.finish(&train, car: probe.id.value, .failed)
        _ = Fixture.startAll(&train)
        let skipper = try #require(train.cars.first { $0.changes.map(\.number) == [1, 3, 4] })
        Self.tick(&train, at: 1000)
        #expect(Fixture.finish(&train, car: 1, .success).lands == [CarID(1)])
        _ = train.apply(.carLanded(car: CarID(1), commit: Fixture.sha("car-1")))
        // !2's own car, built at the start, passes at 1,200 s: its halfway point is 600 s.
        Self.tick(&train, at: 1200)
        let passed = Fixture.finish(&train, car: 2, .success)
        #expect(train.probeVerdicts[2] == true, "the passed car overrules the failed probe")
        if held {
            #expect(passed.lands.isEmpty)
            #expect(passed.cancels.isEmpty, "the cars that left !2 out run on")
            let around = Fixture.finish(&train, car: skipper.id.value, .success)
            #expect(around.lands == [skipper.id], "the longest lands around !2")
            _ = train.apply(.carLanded(car: skipper.id, commit: Fixture.sha("car-\(skipper.id)")))
            #expect(train.queue.map(\.number) == [2])
            #expect(train.cars.map { $0.changes.map(\.number) } == [[2]], "!2 is tested again on the new target")
        } else {
            #expect(passed.lands == [CarID(2)])
            #expect(passed.cancels.contains(PipelineID(100 + skipper.id.value)))
        }
    }

    /// A backlog longer than the batches worth building can hold, on a window at least twice as
    /// wide as they are deep, is tested change by change (with probes); otherwise the train batches
    /// while failures are rare (in Trunk's batches of 5 until it has seen failures).
    @Test(arguments: [
        (500, 300, true, 1), (500, 20, true, 5), (8, 300, true, 5), (500, 300, false, 5),
    ])
    func aLongBacklogOnAWideWindowSpeculates(window: Int, queued: Int, probes: Bool, unit: Int) {
        var train = Train(
            id: Fixture.train,
            settings: TrainSettings(
                maxParallel: window, planner: .adaptive, plannerSettings: PlannerSettings(probes: probes)))
        train.queue = (1...queued).map { Fixture.change($0) }
        #expect(AdaptivePlanner.batchSize(for: train) == unit)
    }
}

extension SuspectTests {
    /// A failed car whose newest change the landing car holds is superseded, even when the landing
    /// car leaves out a change the failed car holds (it lands around a suspect): blaming that change
    /// is refused while it lands, and blaming it again and again never ended (found by a 1,600-hour
    /// simulation of S2).
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

import Testing

@testable import TrainyardCore

/// `adaptive` verifies first, then lands, when failures are common and its runners cannot afford a
/// car and a probe per change: every change is tested alone, one car lands the verified ones, and
/// a change whose probe failed gets its own car once it reaches the front.
struct VerifyFirstTests {
    /// What a train on long pipelines learnt: 1.5 changes an hour (40 minutes apart), 210-minute
    /// pipelines (5.25 changes arrive while one runs), 1 change in 6 bad; the last arrival is the
    /// fixtures' enqueue time, so the changes a test queues keep the rate.
    static func learnt(blamed: Int = 40) -> PlannerStats {
        var stats = PlannerStats()
        stats.landed = 200
        stats.blamed = blamed
        stats.provenFlakes = 10
        stats.passedRuns = 400
        let last = Fixture.change(1).enqueuedAt.milliseconds
        for index in 0..<31 { stats.noteArrival(at: last - Int64(index) * 40 * 60_000) }
        stats.timedPipelines = 5
        stats.pipelineMillis = 5 * 210 * 60_000
        return stats
    }

    static func train(_ numbers: [Int], window: Int = 8, probes: Bool? = nil) -> (Train, [TrainAction]) {
        Fixture.resumed(
            numbers, window: window, planner: .adaptive, stats: learnt(), tuning: PlannerSettings(probes: probes))
    }

    /// (runners, changes removed, probes) → whether the train verifies first.
    @Test(arguments: [
        (8, 40, true, true),  // 8 / 5.25 = 1.5 runs per change to spare: verify first
        (16, 40, true, false),  // 3 to spare: a car and a probe per change fit, speculate
        (8, 4, true, false),  // failures rare (1 in 50): batches
        (8, 40, false, false),  // no probes, no verification
    ])
    func theModeFollowsTheLearntFigures(window: Int, blamed: Int, probes: Bool, verifies: Bool) {
        var train = Train(
            id: Fixture.train,
            settings: TrainSettings(
                maxParallel: window, planner: .adaptive, plannerSettings: PlannerSettings(probes: probes)))
        train.stats = Self.learnt(blamed: blamed)
        train.queue = (1...4).map { Fixture.change($0) }
        let stats = train.stats!
        let unit = AdaptivePlanner.batchSize(for: train)
        #expect(AdaptivePlanner.verifiesFirst(train, unit: unit, stats: stats) == verifies)
    }

    /// The learnt figures change and the mode with them: more runners, then faster pipelines.
    @Test func theModeSwitchesBackWhenRunnersAreToSpare() {
        var (train, _) = Self.train([1, 2])
        let stats = { train.stats ?? PlannerStats() }
        #expect(AdaptivePlanner.verifiesFirst(train, unit: 1, stats: stats()))
        train.stats?.timedPipelines += 20
        train.stats?.pipelineMillis += 20 * 30 * 60_000
        #expect(!AdaptivePlanner.verifiesFirst(train, unit: 1, stats: stats()), "pipelines now take 66 minutes")
    }

    /// Builds and starts every probe that is building (pipeline 100 + probe number), and returns
    /// the probe ids by change number.
    static func startProbes(_ train: inout Train) -> [Int: Int] {
        _ = ProbeTests.startProbes(&train)
        var ids: [Int: Int] = [:]
        for probe in train.probes ?? [] { ids[probe.newest.number] = probe.id.value }
        return ids
    }

    @Test func changesAreVerifiedAloneThenLandedTogetherAndASuspectDecidesAlone() throws {
        var (train, first) = Self.train([1, 2, 3, 4])
        #expect(train.cars.isEmpty, "no car before any change is verified")
        #expect(first.builds.sorted { $0[0] < $1[0] } == [[1], [2], [3], [4]], "a probe for each change")
        let probes = Self.startProbes(&train)
        _ = Fixture.finish(&train, car: try #require(probes[1]), .success)
        let two = Fixture.finish(&train, car: try #require(probes[2]), .success)
        #expect(two.builds.isEmpty, "two verified changes wait for a third (half of 5.25 per pipeline)")
        let three = Fixture.finish(&train, car: try #require(probes[3]), .failed)
        #expect(three.builds.isEmpty, "!3 is a suspect; !4 is still being verified")
        #expect(three.comments(on: 3).isEmpty, "a failed probe removes nothing")
        let four = Fixture.finish(&train, car: try #require(probes[4]), .success)
        #expect(four.builds == [[1, 2, 4]], "the verified changes go in one car, around the suspect")
        _ = Fixture.startAll(&train)
        let landingCar = try #require(train.cars.first { $0.changes.count == 3 })
        let passed = Fixture.finish(&train, car: landingCar.id.value, .success)
        #expect(passed.lands == [landingCar.id])
        let landed = train.apply(.carLanded(car: landingCar.id, commit: Fixture.sha("car-\(landingCar.id)")))
        #expect(train.queue.map(\.number) == [3])
        #expect(landed.builds == [[3]], "the suspect, now at the front, gets a car of its own")
        _ = Fixture.startAll(&train)
        let suspectCar = try #require(train.cars.first { $0.changes.map(\.number) == [3] })
        let failed = Fixture.finish(&train, car: suspectCar.id.value, .failed)
        #expect(failed.comments(on: 3).contains { $0.contains("Removed from the merge train") })
        #expect(train.queue.isEmpty)
    }

    /// A suspect whose own car passes (its probe met a flake) lands.
    @Test func aSuspectWhoseCarPassesLands() throws {
        var (train, _) = Self.train([1])
        let probes = Self.startProbes(&train)
        let failed = Fixture.finish(&train, car: try #require(probes[1]), .failed)
        #expect(failed.builds == [[1]])
        _ = Fixture.startAll(&train)
        let car = try #require(train.cars.first)
        #expect(Fixture.finish(&train, car: car.id.value, .success).lands == [car.id])
    }
}

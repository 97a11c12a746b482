import Foundation
import Testing

@testable import TrainyardCore

/// Probes: `adaptive`, while it speculates change by change, tests queued changes alone so that
/// the cars behind a bad change leave it out as soon as its own result is in.
@Suite struct ProbeTests {
    /// What a train learnt: 1 change in 10 breaks the build (the speculation mode).
    static var failing: PlannerStats {
        var stats = PlannerStats()
        stats.landed = 80
        stats.blamed = 10
        return stats
    }

    static func train(_ numbers: [Int], window: Int = 8, probes: Bool? = nil) -> (Train, [TrainAction]) {
        Fixture.resumed(
            numbers, window: window, planner: .adaptive, stats: failing, tuning: PlannerSettings(probes: probes))
    }

    /// Builds and starts every probe that is building, with pipeline ids 100 + probe number.
    static func startProbes(_ train: inout Train) -> [TrainAction] {
        var actions: [TrainAction] = []
        for probe in train.probes ?? [] where probe.status == .building {
            let commit = Fixture.sha("car-\(probe.id)")
            actions += train.apply(.carBuilt(car: probe.id, commit: commit))
            actions += train.apply(
                .pipelineCreated(car: probe.id, pipeline: PipelineID(100 + probe.id.value), commit: commit))
        }
        return actions
    }

    /// The probe of change `number`.
    static func probe(of number: Int, in train: Train) -> Car? {
        train.probes?.first { $0.newest.number == number }
    }

    /// A train with `numbers` queued whose cars and probes all run, and the probe of `probed`.
    static func running(_ numbers: [Int], probed: Int) throws -> (Train, Car) {
        var (train, _) = Self.train(numbers)
        _ = Fixture.startAll(&train)
        _ = Self.startProbes(&train)
        return (train, try #require(Self.probe(of: probed, in: train)))
    }

    /// Each change behind the first gets a probe beside its car, the deepest (whose car is most
    /// likely confounded) first; the first change's car is its probe already.
    @Test func changesBehindTheFirstAreProbed() throws {
        let (train, actions) = Self.train([1, 2, 3])
        #expect(actions.builds == [[1], [1, 2], [1, 2, 3], [3], [2]])
        #expect(train.cars.map { $0.changes.map(\.number) } == [[1], [1, 2], [1, 2, 3]])
        #expect(train.probes?.map(\.newest.number) == [3, 2])
        #expect(Self.probe(of: 1, in: train) == nil)
    }

    /// A failed probe makes the cars behind leave the change out at once; the change itself is
    /// not removed (only a failed car removes a change).
    @Test func aFailedProbeIsSkippedByTheCarsBehind() throws {
        var (train, probe) = try Self.running([1, 2, 3], probed: 2)
        let failed = Fixture.finish(&train, car: probe.id.value, .failed)
        #expect(failed.builds == [[1, 3]], "the car behind is rebuilt without !2")
        #expect(failed.cancels == [PipelineID(103)], "the car holding !2 behind it is cancelled")
        #expect(failed.statuses(on: 2).isEmpty && failed.comments(on: 2).isEmpty, "!2 is not removed")
        #expect(train.queue.map(\.number) == [1, 2, 3])
        #expect(train.cars.contains { $0.changes.map(\.number) == [1, 2] }, "!2's own car still decides")
        #expect(failed.deletedRefs.contains(train.ref(for: probe.id)))
    }

    /// A change that passed alone and then failed in a car met a flake most likely: its car runs
    /// again instead of blaming it, and the cars behind keep it.
    @Test func aPassedProbeEarnsARerunBeforeBlame() throws {
        var (train, probe) = try Self.running([1, 2, 3], probed: 2)
        _ = Fixture.finish(&train, car: probe.id.value, .success)
        _ = Fixture.finish(&train, car: 1, .success)
        let failed = Fixture.finish(&train, car: 2, .failed)
        #expect(failed.statuses(on: 2).isEmpty, "!2 is not blamed after one failure")
        #expect(failed.contains { if case .startPipeline(CarID(2), _, _) = $0 { true } else { false } })
        #expect(failed.cancels.isEmpty, "the car behind, holding !2, runs on")
        #expect(train.stats?.retried == 1)
    }

    /// A failed car whose change's probe still runs waits for it: a failed probe then blames the
    /// change, with no re-run.
    @Test func aFailedCarWaitsForItsProbe() throws {
        var (train, probe) = try Self.running([1, 2, 3], probed: 2)
        _ = Fixture.finish(&train, car: 1, .success)
        let failed = Fixture.finish(&train, car: 2, .failed)
        #expect(failed.statuses(on: 2).isEmpty, "not blamed while its probe runs")
        #expect(train.queue.map(\.number) == [1, 2, 3])
        let answered = Fixture.finish(&train, car: probe.id.value, .failed)
        #expect(answered.statuses(on: 2) == [.failed], "blamed once the probe failed too")
        #expect(train.stats?.retried == nil || train.stats?.retried == 0)
    }

    /// Without a probe's pass, the same failure blames the change at once (its flake share is low).
    @Test func withoutProbesTheFailureBlames() {
        var (train, first) = Self.train([1, 2, 3], probes: false)
        #expect(first.builds.count == train.cars.count, "no probes: every build is a car")
        #expect(train.probes == nil)
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 1, .success)
        let failed = Fixture.finish(&train, car: 2, .failed)
        #expect(failed.statuses(on: 2) == [.failed])
    }

    /// A change whose probe failed and that then landed proves the probe's failure a flake.
    @Test func aFailedProbeOfALandedChangeIsAProvenFlake() throws {
        var (train, probe) = try Self.running([1, 2], probed: 2)
        _ = Fixture.finish(&train, car: probe.id.value, .failed)
        let before = train.stats?.provenFlakes ?? 0
        #expect(Fixture.finish(&train, car: 2, .success).lands == [CarID(2)])
        _ = train.apply(.carLanded(car: CarID(2), commit: Fixture.sha("car-2")))
        #expect(train.queue.isEmpty && train.probes == nil)
        #expect(train.stats?.provenFlakes == before + 1)
    }

    /// Probes keep running when the target moves: their answer is about the change.
    @Test func probesSurviveALanding() throws {
        var (train, _) = Self.train([1, 2, 3])
        _ = Fixture.startAll(&train)
        _ = Self.startProbes(&train)
        let landing = Fixture.finish(&train, car: 1, .success)
        #expect(landing.lands == [CarID(1)])
        let landed = train.apply(.carLanded(car: CarID(1), commit: Fixture.sha("car-1")))
        let probeIDs = Set((train.probes ?? []).map(\.id))
        #expect(probeIDs.count == 2)
        #expect(!landed.contains { if case .cancelPipeline(let car, _) = $0 { probeIDs.contains(car) } else { false } })
        #expect(train.probes?.allSatisfy { $0.status == .testing } == true)
    }

    /// A probe never lands, even when its change is first and the probe is on the current head.
    @Test func aPassedProbeNeverLands() throws {
        var (train, probe) = try Self.running([1, 2], probed: 2)
        let passed = Fixture.finish(&train, car: probe.id.value, .success)
        #expect(passed.lands.isEmpty)
        _ = train.apply(.changeDequeued(number: 1, by: "@alice"))
        _ = Fixture.startAll(&train)
        #expect(!train.cars.isEmpty, "!2 gets a car of its own")
        #expect(Self.probe(of: 2, in: train)?.status == .passed)
    }

    /// A change that leaves the queue, or is pushed to, loses its probe: the pipeline is cancelled
    /// and the branch deleted.
    @Test(arguments: [true, false])
    func probesOfChangesThatLeaveAreDropped(pushed: Bool) throws {
        var (train, probe) = try Self.running([1, 2, 3], probed: 3)
        let actions =
            pushed
            ? train.apply(.changeUpdated(number: 3, head: Fixture.sha("pushed")))
            : train.apply(.changeDequeued(number: 3, by: "@alice"))
        #expect(actions.cancels.contains(PipelineID(100 + probe.id.value)))
        #expect(actions.deletedRefs.contains(train.ref(for: probe.id)))
        #expect(!(train.probes ?? []).contains { $0.id == probe.id })
    }

    /// Probes share `max_parallel` with the cars.
    @Test(arguments: [1, 2, 3, 5])
    func probesCountAgainstTheWindow(window: Int) {
        var (train, _) = Self.train([1, 2, 3, 4, 5, 6], window: window)
        _ = Fixture.startAll(&train)
        _ = Self.startProbes(&train)
        let inFlight = train.cars.count(where: \.isInFlight) + train.probesInFlight
        #expect(inFlight == window)
    }

    /// A probe that runs past the timeout is cancelled and tells nothing (it is not run again).
    @Test func aProbeThatTimesOutTellsNothing() throws {
        var (train, probe) = try Self.running([1, 2, 3], probed: 2)
        let start = Instant(seconds: 1_700_000_100)
        _ = train.apply(.tick(now: start))
        let late = Instant(milliseconds: start.milliseconds + train.settings.pipelineTimeout + 1)
        let actions = train.apply(.tick(now: late))
        #expect(actions.cancels.contains(PipelineID(100 + probe.id.value)))
        #expect(actions.deletedRefs.contains(train.ref(for: probe.id)))
        #expect(Self.probe(of: 2, in: train)?.isInFlight == false)
        #expect(train.probeVerdicts[2] == nil, "no answer")
    }

    /// Late and foreign events about a probe change nothing.
    @Test func staleProbeEventsAreIgnored() throws {
        var (train, probe) = try Self.running([1, 2, 3], probed: 2)
        _ = Fixture.finish(&train, car: probe.id.value, .success)
        let before = train
        let replay = Fixture.finish(&train, car: probe.id.value, .failed)
        #expect(train == before && replay.isEmpty, "a finished probe keeps its answer")
        let foreign = train.apply(
            .pipelineCreated(car: probe.id, pipeline: PipelineID(999), commit: Fixture.sha("other")))
        #expect(foreign.cancels == [PipelineID(999)], "a pipeline on another commit is cancelled")
    }

    /// Probes still running when the train goes back to batches keep their slots: the batches fill
    /// only what is left of the window.
    @Test func probesKeepTheirSlotsWhenTheTrainGoesBackToBatches() {
        var (train, _) = Self.train([1, 2, 3, 4], window: 6)
        _ = Fixture.startAll(&train)
        _ = Self.startProbes(&train)
        #expect(train.probesInFlight == 2)
        var rare = PlannerStats()
        rare.landed = 400
        rare.blamed = 4
        train.stats = rare
        _ = train.apply(.changeEnqueued(Fixture.change(5)))
        _ = Fixture.startAll(&train)
        #expect(train.probesInFlight == 2)
        #expect(train.cars.count(where: \.isInFlight) + train.probesInFlight <= 6)
    }

    /// A probe whose pipeline was cancelled outside Trainyard tells nothing: its change is neither
    /// a suspect nor probed again.
    @Test func aCancelledProbeTellsNothing() throws {
        var (train, probe) = try Self.running([1, 2, 3], probed: 2)
        let cancelled = Fixture.finish(&train, car: probe.id.value, .canceled)
        #expect(cancelled.builds.isEmpty && cancelled.cancels.isEmpty, "the cars keep !2")
        #expect(train.probeVerdicts[2] == nil)
        #expect(train.probes?.count == 2, "no second probe of !2")
        let replay = Fixture.finish(&train, car: probe.id.value, .failed)
        #expect(replay.isEmpty, "a late event of the retired pipeline is ignored")
    }

    /// On CI so flaky that a single failure is more likely a flake than not, a change without a
    /// probe's answer (the first, whose car is its probe) runs again before it is blamed.
    @Test func onVeryFlakyCIASingleFailureRunsAgain() {
        var stats = Self.failing
        stats.passedRuns = 60
        stats.provenFlakes = 40
        #expect(stats.goodDespiteOneFailedRun >= 0.5)
        var (train, _) = Fixture.resumed([1, 2], window: 8, planner: .adaptive, stats: stats)
        _ = Fixture.startAll(&train)
        let failed = Fixture.finish(&train, car: 1, .failed)
        #expect(failed.statuses(on: 1).isEmpty)
        #expect(failed.contains { if case .startPipeline(CarID(1), _, _) = $0 { true } else { false } })
    }

    /// The probability that a change is good after one failed run, from the learnt rates.
    @Test(arguments: [
        (10, 80, 0, 0, 0.31),  // 1 bad in 10 (with the prior), flakes at the prior 1 in 20
        (10, 80, 6, 194, 0.22),  // flakes 1 in 31 (about S2)
        (10, 80, 40, 60, 0.75),  // flakes 1 in 3
    ])
    func goodDespiteOneFailedRun(blamed: Int, landed: Int, flakes: Int, passed: Int, expected: Double) {
        var stats = PlannerStats()
        stats.blamed = blamed
        stats.landed = landed
        stats.provenFlakes = flakes
        stats.passedRuns = passed
        #expect(abs(stats.goodDespiteOneFailedRun - expected) < 0.01)
    }

    /// The `probes` setting reads true or false.
    @Test func theSettingIsABoolean() {
        var tuning = PlannerSettings()
        #expect(tuning.set("probes", to: "false", for: .adaptive) == nil)
        #expect(tuning.probes == false)
        #expect(tuning.set("probes", to: "maybe", for: .adaptive) == "expected true or false")
        #expect(tuning.set("probes", to: "true", for: .trunk)?.contains("not a setting") == true)
    }
}

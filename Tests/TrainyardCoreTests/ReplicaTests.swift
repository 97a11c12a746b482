import Foundation
import Testing

@testable import TrainyardCore

/// Replicas: `adaptive`, batching on flaky CI, runs each car as several copies at once, and one
/// copy that passes proves the tree.
@Suite struct ReplicaTests {
    /// What a train learnt: 300 runs of good trees passed and `flakes` of them failed.
    static func flaky(_ flakes: Int, passed: Int = 300) -> PlannerStats {
        var stats = PlannerStats()
        stats.landed = 400
        stats.blamed = 4
        stats.passedRuns = passed
        stats.provenFlakes = flakes
        return stats
    }

    /// Copies until every copy of a good car failing together is under 1 in 10, at most 4; one
    /// copy while under 1 run in 10 is a flake (the prior is 1 in 20).
    @Test(arguments: [
        (0, 0, 1),  // the prior: 1 in 20
        (10, 1_000, 1),  // 1 in 93
        (40, 300, 2),  // 1 in 8.5: 1.4% of pairs fail
        (100, 300, 2),  // 1 in 4: 6% of pairs fail
        (200, 300, 3),  // 2 in 5: 16% of pairs, 6% of triples
        (900, 100, 4),  // 9 in 10: capped
    ])
    func replicasFollowTheFlakeRate(flakes: Int, passed: Int, copies: Int) {
        #expect(Self.flaky(flakes, passed: passed).replicas == copies)
    }

    /// Stats stored before `passedRuns` existed decode with it at zero.
    @Test func statsStoredBeforePassedRunsDecode() throws {
        let json = #"{"landed":3,"blamed":1,"retried":2,"retriedPassed":1,"provenFlakes":4}"#
        let stats = try JSONDecoder().decode(PlannerStats.self, from: Data(json.utf8))
        #expect(stats.landed == 3 && stats.blamed == 1 && stats.retried == 2)
        #expect(stats.retriedPassed == 1 && stats.provenFlakes == 4 && stats.passedRuns == 0)
    }

    /// On flaky CI the batch runs twice at once; a failed copy neither splits the batch nor
    /// blames a change while its twin runs, and the twin that passes lands (the failed copy counts
    /// as a proven flake).
    @Test func aPassingCopyLandsTheBatch() {
        var (train, first) = Fixture.resumed(
            [1, 2, 3, 4, 5], window: 4, planner: .adaptive, stats: Self.flaky(100))
        #expect(first.builds == [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]], "two copies of the batch")
        _ = Fixture.startAll(&train)
        let failed = Fixture.finish(&train, car: 1, .failed)
        #expect(failed.builds.isEmpty, "no split while the twin runs")
        #expect((1...5).allSatisfy { failed.comments(on: $0).isEmpty }, "nobody is blamed")
        let passed = Fixture.finish(&train, car: 2, .success)
        #expect(passed.lands == [CarID(2)])
        let before = train.stats?.provenFlakes ?? 0
        _ = train.apply(.carLanded(car: CarID(2), commit: Fixture.sha("car-2")))
        #expect(train.queue.isEmpty)
        #expect(train.stats?.provenFlakes == before + 1, "the failed copy tested a good tree")
        #expect(train.stats?.passedRuns == 301)
    }

    /// The first copy to pass lands; the copy still running is cancelled.
    @Test func theOtherCopyIsCancelledWhenOneLands() {
        var (train, _) = Fixture.resumed([1, 2, 3], window: 4, planner: .adaptive, stats: Self.flaky(100))
        _ = Fixture.startAll(&train)
        let passed = Fixture.finish(&train, car: 1, .success)
        #expect(passed.lands == [CarID(1)])
        let landed = train.apply(.carLanded(car: CarID(1), commit: Fixture.sha("car-1")))
        #expect(landed.cancels == [PipelineID(102)])
        #expect(train.cars.isEmpty && train.queue.isEmpty)
    }

    /// When every copy fails, the batch is bisected as without replicas, each half in copies.
    @Test func aBatchWhoseCopiesAllFailIsSplit() {
        var (train, _) = Fixture.resumed([1, 2, 3, 4, 5], window: 4, planner: .adaptive, stats: Self.flaky(100))
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 1, .failed)
        let failed = Fixture.finish(&train, car: 2, .failed)
        #expect(
            failed.builds == [[1, 2], [1, 2, 3], [1, 2], [1, 2, 3]],
            "the parts as prefixes, as without replicas; then their second copies")
    }

    /// A single change whose copies all fail is blamed once they have all failed, not before.
    @Test func aChangeIsBlamedOnlyWhenEveryCopyFailed() {
        var (train, first) = Fixture.resumed([7], window: 4, planner: .adaptive, stats: Self.flaky(100))
        #expect(first.builds == [[7], [7]])
        _ = Fixture.startAll(&train)
        let one = Fixture.finish(&train, car: 1, .failed)
        #expect(one.comments(on: 7).isEmpty)
        let both = Fixture.finish(&train, car: 2, .failed)
        #expect(both.comments(on: 7).first?.contains("!7 alone") == true)
        #expect(train.queue.isEmpty)
    }

    /// Without flakes there is one copy of each car, as before.
    @Test func reliableCIRunsOneCopy() {
        let (_, first) = Fixture.resumed([1, 2, 3, 4, 5], window: 4, planner: .adaptive, stats: Self.flaky(3))
        #expect(first.builds == [[1, 2, 3, 4, 5]])
    }

    /// The `replicas` setting caps the copies; 1 turns them off.
    @Test(arguments: [(1, [[1, 2, 3]]), (2, [[1, 2, 3], [1, 2, 3]]), (4, [[1, 2, 3], [1, 2, 3], [1, 2, 3]])])
    func theReplicasSettingCapsTheCopies(limit: Int, builds: [[Int]]) {
        let (_, first) = Fixture.resumed(
            [1, 2, 3], window: 6, planner: .adaptive, stats: Self.flaky(200), tuning: PlannerSettings(replicas: limit))
        #expect(first.builds == builds)
    }

    /// `replicas` is a setting of `adaptive` only, from 1 to 4.
    @Test func theReplicasSettingIsChecked() {
        var settings = PlannerSettings()
        #expect(settings.set("replicas", to: "2", for: .adaptive) == nil)
        #expect(settings.replicas == 2)
        #expect(settings.set("replicas", to: "5", for: .adaptive) == "expected a whole number from 1 to 4")
        #expect(
            settings.set("replicas", to: "2", for: .trunk)?.contains("not a setting of the `trunk` planner") == true)
    }

    /// When the learnt flake rate falls and one copy is enough, the copies still running keep
    /// their slots: no new car starts until the train is back within `max_parallel`.
    @Test func copiesLeftRunningKeepTheWindowWhenTheCountDrops() {
        var (train, first) = Fixture.resumed(Array(1...25), window: 4, planner: .adaptive, stats: Self.flaky(100))
        #expect(first.builds == [[1, 2, 3, 4, 5], Array(1...10), [1, 2, 3, 4, 5], Array(1...10)])
        _ = Fixture.startAll(&train)
        train.stats = Self.flaky(3)
        let later = train.apply(.changeEnqueued(Fixture.change(26)))
        #expect(later.builds.isEmpty && later.cancels.isEmpty)
        #expect(train.cars.count(where: \.isInFlight) == 4)
    }

    /// A failed copy whose twin still runs is not a failure even once the count dropped to one:
    /// the batch is not split and the twin is not cancelled; when the twin passes, it lands.
    @Test func aFailedCopyWaitsForItsTwinAfterTheCountDrops() {
        var (train, _) = Fixture.resumed([1, 2, 3, 4, 5], window: 4, planner: .adaptive, stats: Self.flaky(100))
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 1, .failed)
        train.stats = Self.flaky(3)
        let later = train.apply(.changeEnqueued(Fixture.change(6)))
        #expect(later.cancels.isEmpty, "the twin runs on")
        #expect(!later.builds.contains([1, 2]), "no split while the twin runs")
        let passed = Fixture.finish(&train, car: 2, .success)
        #expect(passed.lands == [CarID(2)])
    }

    /// A failed copy whose twin still runs is not blamed when the train stops batching (a third
    /// removal): the twin runs on, outside the plan, and decides.
    @Test func aFailedCopyWaitsForItsTwinAfterBatchingEnds() {
        var stats = Self.flaky(100)
        stats.landed = 0
        stats.blamed = 2
        var (train, first) = Fixture.resumed([7], window: 4, planner: .adaptive, stats: stats)
        #expect(first.builds == [[7], [7]])
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 1, .failed)
        train.stats?.blamed = 3
        let later = train.apply(.changeEnqueued(Fixture.change(8)))
        #expect(later.comments(on: 7).isEmpty && later.cancels.isEmpty)
        #expect(train.cars.count(where: \.isInFlight) <= 4)
        let passed = Fixture.finish(&train, car: 2, .success)
        #expect(passed.lands == [CarID(2)])
    }

    /// Under a shared CI budget, a train running copies asks for a slot per copy.
    @Test func aTrainRunningCopiesWantsASlotPerCopy() {
        let (flaky, _) = Fixture.resumed([1, 2], window: 8, planner: .adaptive, stats: Self.flaky(100))
        let (reliable, _) = Fixture.resumed([1, 2], window: 8, planner: .adaptive, stats: Self.flaky(3))
        #expect(PlannerKind.adaptive.planner.carsWanted(flaky) == 4)
        #expect(PlannerKind.adaptive.planner.carsWanted(reliable) == 2)
    }
}

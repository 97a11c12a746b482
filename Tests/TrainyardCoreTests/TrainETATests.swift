import Testing
import TrainyardCore

/// The ETA: learnt from the train's own pipelines, read forward over its cars and queue.
struct TrainETATests {
    static let minute: Int64 = 60_000
    static let start = Instant(seconds: 1_700_000_000)

    /// What a train learnt: pipelines of `minutes`, and `landed` changes landed with none removed
    /// (a failure rate of 1 in `landed + 20`).
    static func learnt(minutes: Int64, landed: Int = 80) -> PlannerStats {
        var stats = PlannerStats()
        stats.notePipeline(millis: minutes * minute)
        stats.landed = landed
        return stats
    }

    @Test func noETAUntilAPipelineOfTheTrainPassed() {
        var (train, actions) = Fixture.queued([1, 2], planner: .serial)
        #expect(train.eta(of: 1) == nil)
        #expect(train.etas() == nil)
        #expect(
            actions.comments(on: 1).last?.hasSuffix("An ETA is given once a pipeline of this train has passed.") == true
        )
        train.stats = Self.learnt(minutes: 30)
        #expect(train.eta(of: 1) != nil)
        #expect(train.eta(of: 9) == nil)
    }

    @Test func aPassedPipelineTeachesTheDurationWeightedTowardsTheLatest() {
        var stats = PlannerStats()
        stats.notePipeline(millis: 30 * Self.minute)
        #expect(stats.recentPipelineMillis == 30 * Self.minute)
        stats.notePipeline(millis: 80 * Self.minute)
        #expect(stats.recentPipelineMillis == 40 * Self.minute)

        var (train, _) = Fixture.queued([1], planner: .serial)
        _ = Fixture.startAll(&train)
        _ = train.apply(.tick(now: Self.start.adding(milliseconds: 25 * Self.minute)))
        _ = Fixture.finish(&train, car: 1, .success)
        #expect(train.learntPipelineMillis == 25 * Self.minute)
    }

    /// A serial train with 30-minute pipelines, 10 minutes into the first car's pipeline: the
    /// first change has 20 minutes left, each one behind waits for the one ahead and takes 30,
    /// and each pays half a pipeline for the 1-in-100 chance that the change tested with it breaks
    /// the build.
    @Test func aSerialTrainLandsOneChangePerPipeline() throws {
        var (train, _) = Fixture.queued([1, 2, 3], window: 1, planner: .serial)
        train.stats = Self.learnt(minutes: 30)
        _ = Fixture.startAll(&train)
        let now = Self.start.adding(milliseconds: 10 * Self.minute)
        let etas = try #require(train.etas(at: now))
        let penalty = 30 * Self.minute / 100 / 2
        #expect(etas == [20 * Self.minute, 50 * Self.minute + penalty, 80 * Self.minute + 2 * penalty])
        #expect(train.statusText(of: 2, at: now).hasSuffix("Expected to land in about 50 min."))
    }

    /// Parallel cars hold the first changes at once; the changes behind take the slots they free.
    @Test func waitingChangesTakeTheSlotsThatLandingsFree() throws {
        var (train, _) = Fixture.queued(Array(1...6), window: 3, planner: .prefix)
        train.stats = Self.learnt(minutes: 30, landed: 1_000_000)
        _ = Fixture.startAll(&train)
        let etas = try #require(train.etas(at: Self.start))
        let minutes = etas.map { ($0 + Self.minute / 2) / Self.minute }
        #expect(minutes == [30, 30, 30, 60, 60, 60])
    }

    /// A train that landed a change an hour while changes waited lands waiting changes no faster.
    @Test func waitingChangesKeepThePaceTheTrainKeptWhileSaturated() throws {
        var (train, _) = Fixture.queued(Array(1...4), window: 2, planner: .prefix)
        var stats = Self.learnt(minutes: 30, landed: 1_000_000)
        stats.noteLanding(of: 1, at: 0, saturated: true)
        stats.noteLanding(of: 2, at: 120 * Self.minute, saturated: true)
        #expect(stats.saturatedGapMillis == Double(60 * Self.minute))
        train.stats = stats
        _ = Fixture.startAll(&train)
        let etas = try #require(train.etas(at: Self.start))
        #expect(etas.map { ($0 + Self.minute / 2) / Self.minute } == [30, 30, 90, 150])
    }

    @Test func aCarThatRunsOverItsDurationHasATenthOfOneLeft() throws {
        var (train, _) = Fixture.queued([1], planner: .serial)
        train.stats = Self.learnt(minutes: 30)
        _ = Fixture.startAll(&train)
        let late = Self.start.adding(milliseconds: 90 * Self.minute)
        #expect(train.eta(of: 1, at: late) == 3 * Self.minute)
    }

    @Test func aPassedCarWaitsOnlyForTheCarsAheadOfIt() throws {
        var (train, _) = Fixture.queued([1, 2], window: 2, planner: .prefix)
        _ = Fixture.startAll(&train)
        _ = Fixture.finish(&train, car: 2, .success)
        train.stats = Self.learnt(minutes: 30, landed: 1_000_000)
        let etas = try #require(train.etas(at: Self.start.adding(milliseconds: 20 * Self.minute)))
        #expect(etas[0] == 10 * Self.minute)
        #expect(etas[1] == etas[0])
    }

    @Test func aPausedTrainGivesNoETA() {
        var (train, _) = Fixture.queued([1, 2], planner: .serial)
        train.stats = Self.learnt(minutes: 30)
        _ = train.apply(.trainPaused(reason: "release freeze", by: "@maya"))
        #expect(train.statusText(of: 2).hasSuffix("The train is paused (release freeze, by @maya)."))
        let actions = train.apply(.changeEnqueued(Fixture.change(3)))
        #expect(actions.comments(on: 3).last?.hasSuffix("No ETA while the train is paused.") == true)
    }

    @Test(arguments: [
        (0, "under a minute"), (29_999, "under a minute"), (30_000, "about 1 min"), (25 * minute, "about 25 min"),
        (60 * minute, "about 1 h"), (130 * minute, "about 2 h 10 min"), (24 * 60 * minute, "about 1 d"),
        (76 * 60 * minute, "about 3 d 4 h"),
    ])
    func durationsReadAsPeopleSayThem(milliseconds: Int64, words: String) {
        #expect(ETAText.duration(milliseconds) == words)
    }

    /// Whatever the planner and state, ETAs are never negative and never fall along the queue
    /// (a change lands only after the ones ahead of it).
    @Test(arguments: PlannerKind.allCases)
    func etasNeverFallAlongTheQueue(planner: PlannerKind) throws {
        var random = SplitMix64(seed: UInt64(planner.rawValue.utf8.count) * 7919)
        var (train, _) = Fixture.queued(Array(1...12), window: 4, planner: planner)
        train.stats = Self.learnt(minutes: 20, landed: 30)
        for step in 0..<40 {
            _ = Fixture.startAll(&train)
            let testing = train.cars.filter { $0.status == .testing }
            if let car = testing.randomElement(using: &random) {
                let state: PipelineState = Int.random(in: 0..<5, using: &random) == 0 ? .failed : .success
                _ = Fixture.finish(&train, car: car.id.value, state)
                for landing in train.cars where landing.status == .landing {
                    _ = train.apply(.carLanded(car: landing.id, commit: try #require(landing.commit)))
                }
            }
            let now = Self.start.adding(milliseconds: Int64(step) * Self.minute)
            let etas = try #require(train.etas(at: now))
            #expect(etas.count == train.queue.count)
            #expect(etas.allSatisfy { $0 >= 0 })
            #expect(zip(etas, etas.dropFirst()).allSatisfy { $0 <= $1 })
        }
    }
}

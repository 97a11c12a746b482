import Testing
import TrainyardCore

/// The verdict of a car's required checks on a forge with many checks per commit.
struct CheckVerdictTests {
    typealias Outcome = CheckVerdict.Outcome

    static func reports(_ pairs: [(String, Outcome)]) -> [CheckVerdict.Report] {
        pairs.map { CheckVerdict.Report(name: $0.0, outcome: $0.1) }
    }

    @Test(
        arguments: [
            // Nothing reported yet, or only queued.
            ([:], PipelineState.pending),
            (["build": .pending], .pending),
            (["build": .running, "test": .pending], .running),
            // Every required check passed.
            (["build": .passed, "test": .passed], .success),
            // The first required failure fails the car while another still runs.
            (["build": .failed, "test": .running], .failed),
            (["build": .canceled, "test": .passed], .canceled),
            // A failure beats a cancellation.
            (["build": .canceled, "test": .failed], .failed),
            // One required check not reported keeps the car running.
            (["build": .passed], .running),
        ] as [([String: Outcome], PipelineState)])
    func verdictOfTheRequiredChecks(reported: [String: Outcome], expected: PipelineState) {
        let reports = Self.reports(reported.map { ($0.key, $0.value) })
        #expect(CheckVerdict.state(required: ["build", "test"], reports: reports) == expected)
    }

    @Test func checksThatAreNotRequiredAreIgnored() {
        let reports = Self.reports([("build", .passed), ("lint", .failed), ("docs", .running)])
        #expect(CheckVerdict.state(required: ["build"], reports: reports) == .success)
    }

    @Test func aNameReportedTwiceCountsItsWorstReport() {
        let reports = Self.reports([("build", .passed), ("build", .failed)])
        #expect(CheckVerdict.state(required: ["build"], reports: reports) == .failed)
        #expect(CheckVerdict.missing(required: ["build", "test"], reports: reports) == ["build", "test"])
    }

    @Test func noRequiredCheckNeverPasses() {
        #expect(CheckVerdict.state(required: [], reports: Self.reports([("build", .passed)])) == .pending)
    }

    @Test(
        arguments: [
            ("queued", nil, Outcome.pending), ("in_progress", nil, .running), ("completed", "success", .passed),
            ("completed", "neutral", .passed), ("completed", "skipped", .passed), ("completed", "failure", .failed),
            ("completed", "timed_out", .failed), ("completed", "action_required", .failed),
            ("completed", "startup_failure", .failed), ("completed", "stale", .failed),
            ("completed", "cancelled", .canceled), ("waiting", nil, .pending), ("requested", nil, .pending),
        ] as [(String, String?, Outcome)])
    func checkRunOutcomes(status: String, conclusion: String?, expected: Outcome) {
        #expect(CheckVerdict.checkRun(status: status, conclusion: conclusion) == expected)
    }

    @Test(arguments: [
        ("success", Outcome.passed), ("pending", .pending), ("failure", .failed), ("error", .failed),
    ])
    func commitStatusOutcomes(state: String, expected: Outcome) {
        #expect(CheckVerdict.commitStatus(state) == expected)
    }

    @Test func aMovedCheckRefreshesOnlyTheCarTestingThatCommit() {
        var (train, _) = Fixture.queued([1, 2])
        _ = Fixture.startAll(&train)
        let commit = train.cars[0].commit!
        #expect(
            train.apply(.checksReported(car: train.cars[0].id, commit: commit))
                == [.refreshPipeline(car: train.cars[0].id, pipeline: train.cars[0].pipeline!)])
        #expect(train.apply(.checksReported(car: train.cars[0].id, commit: Fixture.sha("elsewhere"))).isEmpty)
        #expect(train.apply(.checksReported(car: CarID(99), commit: commit)).isEmpty)
    }

    @Test func checksThatMovedWhileTheCarStartedAreReadOnceItsPipelineIsKnown() {
        var (train, built) = Fixture.queued([1])
        guard case .buildCar(let car, _, _, _) = built.first(where: { if case .buildCar = $0 { true } else { false } })
        else {
            Issue.record("expected a car to be built")
            return
        }
        _ = train.apply(.carBuilt(car: car, commit: Fixture.sha("car")))
        #expect(train.apply(.checksReported(car: car, commit: Fixture.sha("car"))).isEmpty)
        let created = train.apply(.pipelineCreated(car: car, pipeline: PipelineID(7), commit: Fixture.sha("car")))
        #expect(created.contains(.refreshPipeline(car: car, pipeline: PipelineID(7))))
        let again = train.apply(.checksReported(car: car, commit: Fixture.sha("car")))
        #expect(again == [.refreshPipeline(car: car, pipeline: PipelineID(7))])
    }
}

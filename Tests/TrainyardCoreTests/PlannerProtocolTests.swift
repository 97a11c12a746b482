import Testing
import TrainyardCore

/// Each planner name has one `Planner` type, and the questions on which planners differ have the
/// documented answers (the table pins what `PlannerKind` decided before the protocol existed).
struct PlannerProtocolTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var kind: PlannerKind
        var subsets: Bool
        var landsOver: Bool
        var oneCar: Bool
        var waits: Bool
        var batches: Bool
        var learns: Bool
        var keys: [String]
        var testDescription: String { kind.rawValue }
    }

    static let rows: [Row] = [
        Row(
            kind: .adaptive, subsets: true, landsOver: true, oneCar: false, waits: true, batches: true, learns: true,
            keys: ["batch_size", "replicas", "probes"]),
        Row(
            kind: .prefix, subsets: false, landsOver: false, oneCar: false, waits: true, batches: false, learns: false,
            keys: []),
        Row(
            kind: .serial, subsets: false, landsOver: false, oneCar: true, waits: true, batches: false, learns: false,
            keys: []),
        Row(
            kind: .gitlab, subsets: false, landsOver: false, oneCar: false, waits: false, batches: false, learns: false,
            keys: []),
        Row(
            kind: .zuul, subsets: true, landsOver: false, oneCar: false, waits: true, batches: false, learns: false,
            keys: ["window", "window_floor"]),
        Row(
            kind: .bors, subsets: false, landsOver: false, oneCar: true, waits: true, batches: true, learns: false,
            keys: ["batch_size", "batch_delay_seconds"]),
        Row(
            kind: .github, subsets: false, landsOver: false, oneCar: false, waits: true, batches: false, learns: false,
            keys: []),
        Row(
            kind: .githubHeadgreen, subsets: false, landsOver: true, oneCar: false, waits: true, batches: false,
            learns: false, keys: []),
        Row(
            kind: .submitqueue, subsets: true, landsOver: false, oneCar: false, waits: true, batches: false,
            learns: false, keys: []),
        Row(
            kind: .trunk, subsets: true, landsOver: true, oneCar: false, waits: true, batches: true, learns: false,
            keys: ["batch_size", "pending_failure_depth", "optimistic_landing", "bisection_concurrency"]),
        Row(
            kind: .mergify, subsets: true, landsOver: false, oneCar: false, waits: true, batches: true, learns: false,
            keys: ["batch_size"]),
    ]

    @Test func everyNameHasARow() {
        #expect(Set(Self.rows.map(\.kind)) == Set(PlannerKind.allCases))
    }

    @Test(arguments: rows)
    func plannerAnswers(row: Row) {
        let planner = row.kind.planner
        #expect(planner.kind == row.kind, "the name maps to its own planner")
        #expect(planner.usesSubsets == row.subsets)
        #expect(planner.cancelsUnwanted == row.subsets)
        #expect(planner.landsOverFailures(PlannerSettings()) == row.landsOver)
        #expect(planner.runsOneCar == row.oneCar)
        #expect(planner.waitsForPredecessors == row.waits)
        #expect(planner.batches == row.batches)
        #expect(planner.learnsFromHistory == row.learns)
        #expect(planner.betsOnCopiesAndSuspects == row.learns)
        #expect(planner.probes(PlannerSettings()) == row.learns)
        #expect(planner.settingKeys == row.keys)
        #expect(planner.minimumSlots(maxParallel: 8) == (row.kind == .serial ? 1 : 8))
    }

    @Test func trunkOptimisticLandingAndBisectionCarsFollowTheSettings() {
        let trunk = PlannerKind.trunk.planner
        #expect(!trunk.landsOverFailures(PlannerSettings(optimisticLanding: false)))
        #expect(trunk.bisectionCars(PlannerSettings(bisectionConcurrency: 4)) == 4)
        #expect(PlannerKind.mergify.planner.bisectionCars(PlannerSettings(bisectionConcurrency: 4)) == 0)
        #expect(!PlannerKind.adaptive.planner.probes(PlannerSettings(probes: false)))
    }
}

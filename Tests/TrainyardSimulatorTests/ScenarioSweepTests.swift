import Foundation
import Testing

@testable import TrainyardSimulator

/// Sweeps of workload figures: every combination of the values, named after what varies, and each
/// variant simulated with its own figures.
struct ScenarioSweepTests {
    static let burst = Scenario.named("S7")!

    @Test func everyCombinationIsAVariantNamedAfterWhatVaries() {
        var sweep = ScenarioSweep()
        #expect(sweep.add(.capacity, "2,4") == nil)
        #expect(sweep.add(.arrivalsPerHour, "1, 1.5") == nil)
        #expect(sweep.add(.pipelineMinutes, "45") == nil)
        let variants = sweep.variants(of: Scenario.named("S4")!)
        #expect(
            variants.map(\.id) == [
                "S4@capacity=2,arrivals_per_hour=1", "S4@capacity=2,arrivals_per_hour=1.5",
                "S4@capacity=4,arrivals_per_hour=1", "S4@capacity=4,arrivals_per_hour=1.5",
            ])
        #expect(variants.map(\.workload.capacity) == [2, 2, 4, 4])
        #expect(variants.map(\.workload.arrivalsPerHour) == [1, 1.5, 1, 1.5])
        #expect(variants.allSatisfy { $0.workload.pipelineMinutes == 45 && $0.name == "long CI" })
        #expect(sweep.variantCount == 4)
    }

    @Test func singleValuesOverrideWithoutRenaming() {
        var sweep = ScenarioSweep()
        #expect(sweep.add(.flakeProbability, "0.1") == nil)
        #expect(sweep.add(.flakeProbability, "0.2") == nil)
        let variants = sweep.variants(of: Self.burst)
        #expect(variants.map(\.id) == ["S7"])
        #expect(variants[0].workload.flakeProbability == 0.2, "the later value of a figure replaces the earlier")
    }

    @Test(arguments: [
        (
            ScenarioSweep.Figure.capacity, "8,x",
            "--capacity expects a number, or numbers separated by commas as in 8,12,16"
        ),
        (.capacity, "8,", "(got `8,`)"),
        (.capacity, "", "--capacity expects a number"),
        (.capacity, "8.5", "--capacity expects whole numbers (got `8.5`)"),
        (.arrivalsPerHour, "1,2,1", "--arrivals-per-hour gives 1 twice"),
        (.badProbability, "nan", "--bad-probability expects a number"),
        (.reactionSeconds, "inf", "--reaction-seconds expects a number"),
    ])
    func badValuesAreRefused(figure: ScenarioSweep.Figure, text: String, expected: String) {
        var sweep = ScenarioSweep()
        let problem = sweep.add(figure, text) ?? ""
        #expect(problem.contains(expected), "\(problem)")
    }

    @Test func tooManyVariantsAreRefused() {
        var sweep = ScenarioSweep()
        #expect(sweep.add(.capacity, (1...11).map(String.init).joined(separator: ",")) == nil)
        let problem = sweep.add(.arrivalsPerHour, (1...10).map(String.init).joined(separator: ",")) ?? ""
        #expect(problem.hasPrefix("--capacity and --arrivals-per-hour make 110 variants of each scenario"))
        #expect(problem.hasSuffix("give fewer values, or split the sweep over several commands"))
        var one = ScenarioSweep()
        let single = one.add(.capacity, (1...101).map(String.init).joined(separator: ",")) ?? ""
        #expect(single.hasPrefix("--capacity makes 101 variants of each scenario, and at most 100 run"))
    }

    @Test(arguments: ["1e300", "-1e300", "99999999999999999999", "8,1e19"])
    func aCapacityBeyondAWholeNumberIsRefusedAsTyped(text: String) {
        var sweep = ScenarioSweep()
        let problem = sweep.add(.capacity, text) ?? ""
        #expect(problem.hasPrefix("--capacity expects whole numbers (got `"), "\(problem)")
        #expect(!problem.contains("9223372036854775807"))
    }

    @Test func zeroAndMinusZeroAreOneValue() {
        var sweep = ScenarioSweep()
        #expect(sweep.add(.reactionSeconds, "0,-0")?.contains("gives -0 twice") == true)
    }

    /// Two figures at once: every combination, named after both, and read across in the table.
    @Test func twoSweptFiguresNameEveryCombination() {
        var sweep = ScenarioSweep()
        #expect(sweep.add(.capacity, "2,4") == nil)
        #expect(sweep.add(.badProbability, "0,0.2") == nil)
        let variants = sweep.variants(of: Self.burst)
        #expect(variants.map(\.swept?.count) == [2, 2, 2, 2])
        let report = Simulator(seeds: 1).run(variants, planners: [])
        #expect(report.scenarios.map(\.sweepBase) == ["S7", "S7", "S7", "S7"])
        let table = TableReport.render(report)
        #expect(table.contains("capacity=2,bad_probability=0  capacity=2,bad_probability=0.2"), "\(table)")
    }

    /// A scenario whose own id holds `@` keeps it whole in the sweep's name and summary.
    @Test func anIdWithAnAtSignKeepsItsName() {
        var scenario = Self.burst
        scenario.id = "team@repo"
        var sweep = ScenarioSweep()
        #expect(sweep.add(.capacity, "2,4") == nil)
        let report = Simulator(seeds: 1).run(sweep.variants(of: scenario), planners: [])
        #expect(report.scenarios.map(\.id) == ["team@repo@capacity=2", "team@repo@capacity=4"])
        #expect(report.scenarios.map(\.sweepBase) == ["team@repo", "team@repo"])
        let lines = TableReport.render(report).split(separator: "\n").map(String.init)
        let start = lines.firstIndex { $0.hasPrefix("Sweep of ") }
        #expect(start.map { lines[$0] } == "Sweep of team@repo: p95 time to merge / CI min per merge (NO: unstable)")
        #expect(start.map { lines[$0 + 1].split(separator: " ") } == ["planner", "capacity=2", "capacity=4"])
        #expect(HTMLReport.render(report).contains("<a href=\"#sweep-1\">team@repo</a> — swept over capacity"))
    }

    /// Swept over the arrival rate, the table names the highest rate each planner kept stable:
    /// `serial` on 1 runner of 30 minutes carries 1.5 changes an hour but not 2.5 (ρ above 1).
    @Test func anArrivalSweepNamesTheHighestStableRate() throws {
        let workload = Workload(
            arrivalsPerHour: 1, pipelineMinutes: 30, badProbability: 0, flakeProbability: 0, capacity: 1)
        var sweep = ScenarioSweep()
        #expect(sweep.add(.arrivalsPerHour, "2.5,1,1.5") == nil)
        let variants = sweep.variants(of: Scenario(id: "md1", name: "M/D/1", workload: workload, hours: 400))
        let report = Simulator(seeds: 1).run(variants, planners: ["serial"])
        #expect(report.scenarios.map { $0.results[0].mean.stable } == [false, true, true])
        let table = TableReport.render(report)
        #expect(table.contains("Highest arrivals per hour with a stable queue: O1_reruns 1.5, serial 1.5\n"))
        var capacity = ScenarioSweep()
        #expect(capacity.add(.capacity, "1,2") == nil)
        let other = Simulator(seeds: 1).run(capacity.variants(of: variants[1]), planners: [])
        #expect(!TableReport.render(other).contains("Highest arrivals"))
    }

    @Test func aScenarioThatIsNoVariantHasNoSweepBase() {
        let report = Simulator(seeds: 1).run([Self.burst, Scenario.named("S1")!], planners: [])
        #expect(report.scenarios.map(\.sweepBase) == [nil, nil])
        #expect(!TableReport.render(report).contains("Sweep of"))
    }

    /// The burst of 15 changes of 30-minute pipelines: O1 (one run per change, in order) needs
    /// 8 rounds on 2 runners and 4 on 4, so each variant must have run with its own capacity.
    @Test func eachVariantRunsWithItsOwnFigures() throws {
        var sweep = ScenarioSweep()
        #expect(sweep.add(.capacity, "2,4") == nil)
        #expect(sweep.add(.flakeProbability, "0") == nil)
        #expect(sweep.add(.badProbability, "0") == nil)
        let report = Simulator(seeds: 1).run(sweep.variants(of: Self.burst), planners: ["serial"])
        #expect(report.scenarios.map(\.id) == ["S7@capacity=2", "S7@capacity=4"])
        #expect(
            report.scenarios.map(\.workload) == [
                "λ=0/h burst=15 D=30m p=0 f=0 K=2", "λ=0/h burst=15 D=30m p=0 f=0 K=4",
            ])
        let drain = report.scenarios.map { $0.oracle["O1"]!.mean.drainMinutes }
        #expect(drain == [240, 120], "O1 drains 15 changes in 8 rounds on 2 runners and 4 on 4 (got \(drain))")
        let json = try JSONReport.render(report)
        #expect(json.contains("\"S7@capacity=4\""))
        // The table ends with the sweep read across: a column per variant, a row per planner.
        let lines = TableReport.render(report).split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("Sweep of S7:") })
        #expect(lines[start + 1].split(separator: " ") == ["planner", "capacity=2", "capacity=4"])
        for (offset, label) in ["O1_reruns", "serial"].enumerated() {
            let cells = report.scenarios.map { scenario in
                let m = scenario.result(named: label)!.mean
                return String(format: "%.1f / %.1f", m.ttmP95, m.ciMinutesPerMerge)
            }
            let row = lines[start + 2 + offset]
            #expect(row.hasPrefix(label) && cells.allSatisfy { row.contains($0) }, "\(row) should hold \(cells)")
        }
    }
}

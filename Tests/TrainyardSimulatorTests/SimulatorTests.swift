import Foundation
import Testing

@testable import TrainyardSimulator

/// The simulator against closed forms (`strategies-and-benchmarks.md` §3), determinism, and every
/// built-in scenario at small scale.
struct SimulatorTests {
    /// A serial queue with deterministic D is M/D/1: E[T] = D + ρD / (2(1 − ρ)).
    @Test(arguments: [1.0, 1.5])
    func serialPlannerAndOracleMatchMD1(arrivalsPerHour: Double) {
        let workload = Workload(
            arrivalsPerHour: arrivalsPerHour, pipelineMinutes: 30, badProbability: 0, flakeProbability: 0, capacity: 1)
        let scenario = Scenario(id: "md1", name: "M/D/1", workload: workload, hours: 4000)
        let result = Simulator(seeds: 1).run(scenario, planners: ["serial"])
        let rho = arrivalsPerHour * 30 / 60
        let expected = 30 + rho * 30 / (2 * (1 - rho))
        let serial = result.results[0].mean
        let oracle = result.oracle["O1"]!.mean
        #expect(abs(serial.ttmMean - expected) / expected < 0.06, "serial mean \(serial.ttmMean), M/D/1 \(expected)")
        #expect(abs(oracle.ttmMean - expected) / expected < 0.06, "O1 mean \(oracle.ttmMean), M/D/1 \(expected)")
        #expect(serial.stable && serial.escapedBad == 0 && serial.falseRejections == 0)
        #expect(abs(serial.runsPerMerge - 1) < 1e-9)
    }

    /// A saturated prefix train with window w resolves R(w, p) = (1 − (1 − p)^w) / p changes per
    /// pipeline duration (the first failure invalidates every car behind it).
    @Test(arguments: [(8, 0.05), (4, 0.10)])
    func prefixTrainResolvesRPerRound(window: Int, p: Double) {
        let workload = Workload(
            arrivalsPerHour: 0, initialBurst: 1200, pipelineMinutes: 30, badProbability: p, flakeProbability: 0,
            capacity: window)
        let scenario = Scenario(id: "saturated", name: "backlog", workload: workload, hours: 1)
        let result = Simulator(seeds: 1).run(scenario, planners: ["gitlab"])
        let m = result.results[0].mean
        let rounds = m.drainMinutes / 30
        let perRound = 1200 / rounds
        let expected = (1 - pow(1 - p, Double(window))) / p
        #expect(abs(perRound - expected) / expected < 0.08, "\(perRound) resolved per round, R(w,p) = \(expected)")
        #expect(m.merged + m.rejected == 1200 && m.escapedBad == 0 && m.falseRejections == 0)
    }

    /// The batch oracle with one slot: cost ≈ D / max(1, λ(1 − p)D) per merged change, mean
    /// latency ≈ 1.5 D (§1.7).
    @Test func batchOracleMatchesItsClosedForm() {
        let scenario = Scenario(id: "ob", name: "OB", workload: Scenario.named("S1")!.workload, hours: 2000)
        let result = Simulator(seeds: 1).run(scenario, planners: [])
        let ob = result.oracle["OB"]!.mean
        let expectedCost = 30 / max(1, 10 * 0.98 * 0.5)
        #expect(abs(ob.ciMinutesPerMerge - expectedCost) / expectedCost < 0.1, "OB cost \(ob.ciMinutesPerMerge)")
        #expect(abs(ob.ttmMean - 45) / 45 < 0.1, "OB mean latency \(ob.ttmMean)")
        #expect(result.oracle["O2"]!.mean.ciMinutesPerMerge == 30)
    }

    @Test func aFixedSeedGivesIdenticalOutput() throws {
        var scenario = Scenario.named("S1")!
        scenario.hours = 40
        let first = try JSONReport.render(Simulator(seeds: 2).run([scenario], planners: PlannerCatalog.names))
        let second = try JSONReport.render(Simulator(seeds: 2).run([scenario], planners: PlannerCatalog.names))
        #expect(first == second)
        #expect(first.contains("\"ttm_p95_min\""))
    }

    /// Every built-in scenario runs every planner at small scale; the figures obey what must hold
    /// whatever the planner: nothing bad lands, nothing merges faster than one pipeline, counts add up.
    @Test(arguments: Scenario.builtIn.map(\.id))
    func everyScenarioRunsEveryPlanner(id: String) {
        var scenario = Scenario.named(id)!
        scenario.hours = min(scenario.hours, 30)
        if id == "S6" {
            // Monorepo scale, scaled down for a debug build: a tenth of the rate and the CI.
            scenario.hours = 2
            scenario.workload.arrivalsPerHour = 50
            scenario.workload.capacity = 50
        }
        let result = Simulator(seeds: 1).run(scenario, planners: PlannerCatalog.names)
        #expect(result.results.map(\.planner) == PlannerCatalog.names)
        let minimum = scenario.workload.pipelineMinutes
        for planner in result.results + Array(result.oracle.values) {
            let m = planner.mean
            #expect(m.escapedBad == 0, "\(planner.planner) landed a bad change")
            if m.merged > 0 { #expect(m.ttmP50 >= minimum - 1e-6, "\(planner.planner) merged faster than CI runs") }
            #expect(m.ciMinutesPerMerge >= 0 && m.wastedFraction >= 0 && m.wastedFraction <= 1)
        }
        let o1 = result.oracle["O1"]!.mean
        #expect(o1.merged > 0)
    }

    /// Planner settings travel in the planner's name: a tuned planner runs beside the default
    /// one, and bors' batch delay (a tick at the train's wake-up time) still resolves every change.
    @Test func tunedPlannersRunBesideTheirDefaults() {
        var scenario = Scenario.named("S1")!
        scenario.hours = 40
        let names = ["trunk", "trunk:batch_size=2"]
        let result = Simulator(seeds: 1).run(scenario, planners: names)
        #expect(result.results.map(\.planner) == names)
        #expect(
            result.results[1].mean.runsPerMerge > result.results[0].mean.runsPerMerge,
            "smaller batches cost more runs per merge")
        // A quiet repository: every change finds the queue empty, so each waits the whole delay.
        let quiet = Workload(
            arrivalsPerHour: 0.5, pipelineMinutes: 30, badProbability: 0, flakeProbability: 0, capacity: 1)
        let bors = Simulator(seeds: 1).run(
            Scenario(id: "quiet", name: "quiet", workload: quiet, hours: 400),
            planners: ["bors", "bors:batch_delay_seconds=300"])
        let (plain, delayed) = (bors.results[0].mean, bors.results[1].mean)
        #expect(delayed.stable && delayed.merged == plain.merged && delayed.escapedBad == 0)
        #expect(delayed.ttmP50 >= plain.ttmP50 + 5 - 1e-6, "p50 \(delayed.ttmP50) against \(plain.ttmP50)")
    }

    @Test func workloadProblemsAreNamed() {
        let workload = Workload(
            arrivalsPerHour: -1, pipelineMinutes: 0, badProbability: 1.5, flakeProbability: 0, capacity: 0)
        let problems = workload.problems.joined(separator: "\n")
        #expect(problems.contains("arrivals_per_hour"))
        #expect(problems.contains("pipeline_minutes"))
        #expect(problems.contains("bad_probability"))
        #expect(problems.contains("capacity"))
    }
}

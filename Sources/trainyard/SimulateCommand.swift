import ArgumentParser
import Foundation
import TrainyardSimulator
import Yams

/// `trainyard simulate`: run the production planners on a synthetic workload with a virtual
/// clock and compare them with the oracles.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Measure every planner against the same workload and the oracles (a discrete-event simulation).",
        discussion: """
            Scenarios: \(Scenario.builtIn.map { "\($0.id) (\($0.name))" }.joined(separator: ", ")), `all`, or a YAML \
            file with `id`, `name`, `hours` and a `workload:` map (arrivals_per_hour, pipeline_minutes, \
            bad_probability, flake_probability, capacity, and optionally initial_burst, burst_every_hours, diurnal_peak, \
            duration_cv, \
            conflict_probability, reaction_seconds). Flags such as --arrivals-per-hour override the scenario; \
            several values separated by commas (--capacity 8,12,16) run a variant of it for each, named \
            S4@capacity=12.
            """)

    @Option(help: "S1…S7, all, or a YAML file describing a scenario.")
    var scenario: String = "all"

    @Option(
        help: ArgumentHelp(
            "Planner names separated by commas, or all: \(PlannerCatalog.names.joined(separator: ", ")). A name may "
                + "carry planner settings, as in trunk:batch_size=8:pending_failure_depth=3."))
    var planner: String = "all"

    @Option(help: "Seeds per scenario and planner (the spread is shown over them).")
    var seeds: Int = 5

    @Option(help: "Simulated hours of arrivals (default: the scenario's own).")
    var hours: Double?

    @Option(help: "table, json or html.")
    var format: String = "table"

    @Option(help: "Write the report to this file instead of standard output.")
    var out: String?

    @Option(help: "Override: changes per hour. Several values separated by commas sweep it (10,15,20).")
    var arrivalsPerHour: String?
    @Option(help: "Override: mean pipeline minutes (or several, separated by commas).") var pipelineMinutes: String?
    @Option(help: "Override: probability a change is bad (or several).") var badProbability: String?
    @Option(help: "Override: probability a run flakes (or several).") var flakeProbability: String?
    @Option(help: "Override: concurrent pipelines, the CI capacity (or several, as in 8,12,16).") var capacity: String?
    @Option(help: "Override: pipeline duration coefficient of variation (or several).") var durationCv: String?
    @Option(help: "Override: reaction delay in seconds (or several).") var reactionSeconds: String?

    @Flag(help: "Print no progress on standard error.")
    var quiet = false

    func run() throws {
        let scenarios = try validateAndLoad()
        let planners = try plannerNames()
        let started = ContinuousClock.now
        var progress: (@Sendable (String) -> Void)?
        if !quiet {
            progress = { @Sendable line in FileHandle.standardError.write(Data(("simulate: " + line + "\n").utf8)) }
        }
        let simulator = Simulator(seeds: seeds, progress: progress)
        let report = simulator.run(scenarios, planners: planners)
        let text: String
        switch format {
        case "json": text = try JSONReport.render(report) + "\n"
        case "html": text = HTMLReport.render(report)
        default: text = TableReport.render(report)
        }
        if let out {
            try Data(text.utf8).write(to: URL(fileURLWithPath: out))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        if !quiet {
            let elapsed = ContinuousClock.now - started
            FileHandle.standardError.write(Data("simulate: done in \(elapsed)\n".utf8))
        }
    }

    /// Checks the flags and returns the scenarios to run, with the flag overrides applied.
    func validateAndLoad() throws -> [Scenario] {
        guard ["table", "json", "html"].contains(format) else {
            throw ValidationError("--format must be table, json or html (got \(format))")
        }
        guard (1...1000).contains(seeds) else { throw ValidationError("--seeds must be between 1 and 1000") }
        if let hours, !(hours > 0 && hours <= 1_000_000) {
            throw ValidationError("--hours must be above 0 and at most 1000000")
        }
        _ = try plannerNames()
        let figures = try sweep()
        var scenarios = try loadScenarios().flatMap { figures.variants(of: $0) }
        for index in scenarios.indices {
            if let hours { scenarios[index].hours = hours }
            let problems = scenarios[index].workload.problems
            guard problems.isEmpty else {
                throw ValidationError("scenario \(scenarios[index].id): " + problems.joined(separator: "; "))
            }
        }
        return scenarios
    }

    func plannerNames() throws -> [String] {
        if planner == "all" { return PlannerCatalog.names }
        let names = planner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty else {
            throw ValidationError(
                "no planner given; use one or more of \(PlannerCatalog.names.joined(separator: ", ")), or all")
        }
        for name in names {
            if case .failure(let problem) = PlannerCatalog.parse(name) { throw ValidationError(problem.description) }
        }
        return names
    }

    func loadScenarios() throws -> [Scenario] {
        if scenario.lowercased() == "all" { return Scenario.builtIn }
        if let builtIn = Scenario.named(scenario) { return [builtIn] }
        guard FileManager.default.fileExists(atPath: scenario) else {
            throw ValidationError(
                "no scenario \(scenario): use \(Scenario.builtIn.map(\.id).joined(separator: ", ")), all, "
                    + "or the path of a YAML scenario file")
        }
        let text = try String(contentsOfFile: scenario, encoding: .utf8)
        do {
            return [try YAMLDecoder().decode(Scenario.self, from: text)]
        } catch {
            throw ValidationError("\(scenario) is not a scenario file: \(error)")
        }
    }

    /// The workload figures given as flags: one value overrides the scenario's, several sweep it.
    func sweep() throws -> ScenarioSweep {
        var sweep = ScenarioSweep()
        let given: [(ScenarioSweep.Figure, String?)] = [
            (.arrivalsPerHour, arrivalsPerHour), (.pipelineMinutes, pipelineMinutes), (.badProbability, badProbability),
            (.flakeProbability, flakeProbability), (.capacity, capacity), (.durationCV, durationCv),
            (.reactionSeconds, reactionSeconds),
        ]
        for case (let figure, let text?) in given {
            if let problem = sweep.add(figure, text) { throw ValidationError(problem) }
        }
        return sweep
    }
}

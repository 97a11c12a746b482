/// A named workload with the simulated time it runs for.
public struct Scenario: Hashable, Codable, Sendable {
    public var id: String
    public var name: String
    public var workload: Workload
    /// Simulated hours of arrivals (the run then drains what is queued).
    public var hours: Double
    /// The figures that vary when this scenario is one variant of a sweep (`nil` otherwise). Set by
    /// ``ScenarioSweep``, never read from a scenario file.
    public var swept: [ScenarioSweep.Value]?

    enum CodingKeys: String, CodingKey {
        case id, name, workload, hours
    }

    public init(id: String, name: String, workload: Workload, hours: Double) {
        self.id = id
        self.name = name
        self.workload = workload
        self.hours = hours
    }

    /// The benchmark scenarios S1–S7 of `strategies-and-benchmarks.md` §4.1, with the hours the
    /// issue asks for (2,000; 400 for S6; S7 is a burst that drains in a few hours).
    public static let builtIn: [Scenario] = [
        Scenario(
            id: "S1", name: "steady, mostly green",
            workload: Workload(
                arrivalsPerHour: 10, pipelineMinutes: 30, badProbability: 0.02, flakeProbability: 0.01, capacity: 8),
            hours: 2000),
        Scenario(
            id: "S2", name: "train default, moderate failures",
            workload: Workload(
                arrivalsPerHour: 20, pipelineMinutes: 20, badProbability: 0.10, flakeProbability: 0.03, capacity: 20),
            hours: 2000),
        Scenario(
            id: "S3", name: "CI-capacity starved",
            workload: Workload(
                arrivalsPerHour: 20, pipelineMinutes: 30, badProbability: 0.05, flakeProbability: 0.02, capacity: 4),
            hours: 2000),
        Scenario(
            id: "S4", name: "long CI",
            workload: Workload(
                arrivalsPerHour: 1.5, pipelineMinutes: 210, badProbability: 0.15, flakeProbability: 0.05, capacity: 8),
            hours: 2000),
        Scenario(
            id: "S5", name: "flaky CI",
            workload: Workload(
                arrivalsPerHour: 10, pipelineMinutes: 30, badProbability: 0.03, flakeProbability: 0.25, capacity: 10),
            hours: 2000),
        Scenario(
            id: "S6", name: "monorepo scale",
            workload: Workload(
                arrivalsPerHour: 500, pipelineMinutes: 30, badProbability: 0.10, flakeProbability: 0.02, capacity: 500),
            hours: 400),
        Scenario(
            id: "S7", name: "burst",
            workload: Workload(
                arrivalsPerHour: 0, initialBurst: 15, pipelineMinutes: 30, badProbability: 0.05,
                flakeProbability: 0.02, capacity: 4),
            hours: 1),
    ]

    /// The built-in scenario with this id (case-insensitive).
    public static func named(_ id: String) -> Scenario? {
        builtIn.first { $0.id.lowercased() == id.lowercased() }
    }
}

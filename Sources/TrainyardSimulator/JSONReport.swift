import Foundation

/// The report as JSON in the shape `trainyard simulate --format json` promises:
/// `{"scenarios":[{"id","oracle":{"O1":{…}},"results":[{"planner",…metrics}]}]}`; each result
/// also carries its per-seed figures under `seeds`.
public enum JSONReport {
    public static func render(_ report: SimulationReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let body = Body(scenarios: report.scenarios.map(ScenarioBody.init))
        return String(decoding: try encoder.encode(body), as: UTF8.self)
    }

    struct Body: Encodable { var scenarios: [ScenarioBody] }

    struct ScenarioBody: Encodable {
        var id: String
        var name: String
        var workload: String
        var hours: Double
        var seeds: Int
        var oracle: [String: ResultBody]
        var results: [ResultBody]
        /// With a sweep: the figures this variant sets, as `{"capacity": 12}`.
        var swept: [String: Double]?

        init(_ scenario: ScenarioResult) {
            swept = scenario.swept.map { Dictionary($0.map { ($0.figure, $0.value) }, uniquingKeysWith: { $1 }) }
            id = scenario.id
            name = scenario.name
            workload = scenario.workload
            hours = scenario.hours
            seeds = scenario.seedCount
            oracle = scenario.oracle.mapValues(ResultBody.init)
            results = scenario.results.map(ResultBody.init)
        }
    }

    /// A planner's mean figures flattened next to its name, plus each seed's figures.
    struct ResultBody: Encodable {
        var result: PlannerResult
        init(_ result: PlannerResult) { self.result = result }

        enum Keys: String, CodingKey { case planner, seeds }

        func encode(to encoder: any Encoder) throws {
            try result.mean.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(result.planner, forKey: .planner)
            try container.encode(result.seeds, forKey: .seeds)
        }
    }
}

/// The summary of a sweep (`--capacity 8,12,16`): for each scenario run in several variants, one
/// row per planner and one column per variant, with p95 time to merge and CI minutes per merge,
/// so that what more runners (or more load) change can be read across a line.
extension TableReport {
    static func sweepSummaries(_ report: SimulationReport) -> String {
        var groups: [(base: String, scenarios: [ScenarioResult])] = []
        for scenario in report.scenarios {
            guard let base = scenario.sweepBase else { continue }
            if let index = groups.firstIndex(where: { $0.base == base }) {
                groups[index].scenarios.append(scenario)
            } else {
                groups.append((base, [scenario]))
            }
        }
        var out = ""
        for group in groups where group.scenarios.count > 1 {
            out += "\nSweep of \(group.base): p95 time to merge / CI min per merge (NO: unstable)\n"
            let header = ["planner"] + group.scenarios.map { String(ScenarioSweep.suffix($0.swept).dropFirst()) }
            var labels = ["O1_reruns"]
            for scenario in group.scenarios {
                for result in scenario.results where !labels.contains(result.planner) { labels.append(result.planner) }
            }
            let rows = labels.map { label in
                [label]
                    + group.scenarios.map { scenario in
                        let result = scenario.result(named: label)
                        guard let m = result?.mean else { return "–" }
                        return number(m.ttmP95, 1) + " / " + number(m.ciMinutesPerMerge, 1) + (m.stable ? "" : " NO")
                    }
            }
            out += align([header] + rows) + "\n"
            out += sustainableLoad(group.scenarios, labels: labels)
        }
        return out
    }

    /// For a sweep of the arrival rate alone: the highest rate each planner carried with a stable
    /// queue (the reference's maximum sustainable throughput, to the sweep's resolution).
    static func sustainableLoad(_ scenarios: [ScenarioResult], labels: [String]) -> String {
        let figure = ScenarioSweep.Figure.arrivalsPerHour.rawValue
        guard scenarios.allSatisfy({ $0.swept?.count == 1 && $0.swept?[0].figure == figure }) else { return "" }
        let parts = labels.map { label in
            let stable = scenarios.compactMap { scenario -> Double? in
                let result = scenario.result(named: label)
                return result?.mean.stable == true ? scenario.swept?[0].value : nil
            }
            return "\(label) " + (stable.max().map { Workload.trim($0) } ?? "none")
        }
        return "Highest arrivals per hour with a stable queue: \(parts.joined(separator: ", "))\n"
    }
}

import Foundation

/// The report as an aligned text table per scenario, for a terminal.
public enum TableReport {
    public static func render(_ report: SimulationReport) -> String {
        var out = ""
        for scenario in report.scenarios {
            out += "\(scenario.id) \(scenario.name): \(scenario.workload), \(Self.number(scenario.hours, 0)) h, "
            out += "\(scenario.seedCount) seed(s)\n"
            let header = [
                "planner", "stable", "merged/h", "ttm mean", "p50", "p95", "p99", "max", "reject p50", "CI min/merge",
                "runs/merge", "wasted", "false rej", "escaped", "max queue", "p95/O1", "ETA err p50", "p90", "bias",
            ]
            var rows: [[String]] = []
            let oracleKeys = ["O1", "O1_reruns", "O2", "O2_reruns", "OB", "OB_reruns"]
            for key in oracleKeys {
                if let result = scenario.oracle[key] { rows.append(row(result, label: key)) }
            }
            for result in scenario.results { rows.append(row(result, label: result.planner)) }
            out += align([header] + rows) + "\n"
        }
        out += sweepSummaries(report)
        out += "Times in minutes; p95 and CI min/merge show the mean over seeds and [lowest–highest seed]; "
        out += "counts are summed over seeds; ETA err: absolute error of the ETA told at enqueue against the "
        out +=
            "time to merge of good changes (median, p90; bias: the median signed error, + when changes landed later than told), the mean over seeds.\n"
        return out
    }

    static func row(_ result: PlannerResult, label: String) -> [String] {
        let m = result.mean
        let p95 = result.spread(\.ttmP95)
        let ci = result.spread(\.ciMinutesPerMerge)
        let spreadShown = result.seeds.count > 1
        return [
            label, m.stable ? "yes" : "NO", number(m.mergedPerHour, 2), number(m.ttmMean, 1), number(m.ttmP50, 1),
            number(m.ttmP95, 1) + (spreadShown ? " [\(number(p95.low, 1))–\(number(p95.high, 1))]" : ""),
            number(m.ttmP99, 1), number(m.ttmMax, 1), number(m.rejectP50, 1),
            number(m.ciMinutesPerMerge, 1) + (spreadShown ? " [\(number(ci.low, 1))–\(number(ci.high, 1))]" : ""),
            number(m.runsPerMerge, 2), number(m.wastedFraction * 100, 0) + "%",
            "\(m.falseRejections) (\(number(m.falseRejectionRate * 100, 2))%)", "\(m.escapedBad)", "\(m.maxQueue)",
            m.p95VsO1 > 0 ? number(m.p95VsO1, 2) + "×" : "–",
            m.etaErrorP50.map { number($0, 1) } ?? "–", m.etaErrorP90.map { number($0, 1) } ?? "–",
            m.etaBiasP50.map { ($0 > 0 ? "+" : "") + number($0, 1) } ?? "–",
        ]
    }

    static func align(_ rows: [[String]]) -> String {
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func number(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "–" }
        return String(format: "%.\(digits)f", value)
    }
}

import Foundation
import TrainyardCore

/// Renders a ``SimulationReport`` as one self-contained HTML page: inline CSS and SVG, no scripts and
/// no external files, so it can be opened from disk, attached to a CI run or mailed around.
///
/// Per scenario it shows a table of every planner and oracle and three plots: the time-to-merge
/// distribution, CI cost against p95 time to merge with the Pareto front, and queue length over time.
/// A scenario swept over one figure also gets a plot of p95 time to merge against that figure.
/// All text from the report (planner and scenario names above all) is HTML-escaped.
public enum HTMLReport {
    public static func render(_ report: SimulationReport) -> String {
        let styles = seriesStyles(report)
        var html = [pageHead, "<h1>Trainyard simulation report</h1>"]
        if report.scenarios.isEmpty {
            html.append("<p>No scenarios were simulated.</p>")
        } else {
            html.append("<nav><ol>")
            for (index, sweep) in sweeps(report).enumerated() {
                html.append(
                    "<li><a href=\"#sweep-\(index + 1)\">\(escape(sweep.base))</a> — swept over "
                        + "\(escape(sweep.figure))</li>")
            }
            for (index, scenario) in report.scenarios.enumerated() {
                html.append(
                    "<li><a href=\"#scenario-\(index + 1)\">\(escape(scenario.id))</a> — "
                        + "\(escape(scenario.name))</li>")
            }
            html.append("</ol></nav>")
            html.append(readingGuide)
        }
        for (index, sweep) in sweeps(report).enumerated() {
            html.append(sweepSection(sweep, number: index + 1, styles: styles))
        }
        for (index, scenario) in report.scenarios.enumerated() {
            html.append(section(scenario, number: index + 1, styles: styles))
        }
        html.append("</body>\n</html>\n")
        return html.joined(separator: "\n")
    }

    /// One planner or oracle of a scenario, with how it is drawn.
    struct Entry {
        var result: PlannerResult
        var isOracle: Bool
        var style: SeriesStyle
        /// Whether no other stable planner is at least as good on both CI minutes per merge and p95
        /// time to merge (and better on one).
        var onFront = false
        /// Whether it gets a line in the time-to-merge and queue plots: every planner, but of an oracle
        /// that exists both flake-free and with flake re-runs only the re-run one (the realistic
        /// reference), to keep the plots readable. The Pareto picture shows every oracle.
        var drawnAsLine = true
        var name: String { result.planner }
        var stable: Bool { result.mean.stable }
        /// A planner that merged nothing has no meaningful cost or time, so it is left out of the
        /// Pareto picture.
        var merged: Bool { result.mean.merged > 0 }
    }

    /// Oracles in the order they are shown; any other key follows, sorted.
    static let oracleOrder = ["O1", "O1_reruns", "O2", "O2_reruns", "OB", "OB_reruns"]

    /// Colour-blind-safe colours for planners, by order of first appearance in the report, so a
    /// planner keeps its colour across scenarios. After these run out they repeat, dashed.
    static let palette = [
        "#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#b8a000", "#7b3294", "#1b9e77", "#e7298a",
    ]

    /// Dark neutral colours for the oracles, which are references rather than candidates. An oracle
    /// with flake re-runs (`O1_reruns`) has the colour of its flake-free twin (`O1`), dotted.
    static let oracleColours = ["#222222", "#8c5a2b", "#3d5a80", "#6b6b6b"]

    /// The style of every planner and oracle name in the report.
    static func seriesStyles(_ report: SimulationReport) -> [String: SeriesStyle] {
        var styles: [String: SeriesStyle] = [:]
        var planners = 0
        for scenario in report.scenarios {
            for result in scenario.results where styles[result.planner] == nil {
                let round = planners / palette.count
                let dash = round == 0 ? nil : round == 1 ? "7 3" : "2 3"
                styles[result.planner] = SeriesStyle(colour: palette[planners % palette.count], dash: dash)
                planners += 1
            }
        }
        var families: [String: String] = [:]
        for key in report.scenarios.flatMap({ orderedOracleKeys($0.oracle) }) where styles[key] == nil {
            // A planner and an oracle sharing a name share the planner's colour; that is their problem.
            let reruns = key.hasSuffix("_reruns")
            let family = reruns ? String(key.dropLast("_reruns".count)) : key
            let colour =
                families[family] ?? oracleColours[families.count % oracleColours.count]
            families[family] = colour
            styles[key] = SeriesStyle(colour: colour, dash: reruns ? "2 2" : "6 3")
        }
        return styles
    }

    static func orderedOracleKeys(_ oracle: [String: PlannerResult]) -> [String] {
        oracleOrder.filter { oracle[$0] != nil } + oracle.keys.filter { !oracleOrder.contains($0) }.sorted()
    }

    /// The planners in report order, then the oracles, with the Pareto front marked.
    static func entries(_ scenario: ScenarioResult, styles: [String: SeriesStyle]) -> [Entry] {
        let fallback = SeriesStyle(colour: "#999999", dash: nil)
        var entries = scenario.results.map { Entry(result: $0, isOracle: false, style: styles[$0.planner] ?? fallback) }
        for key in orderedOracleKeys(scenario.oracle) {
            guard var result = scenario.oracle[key] else { continue }
            if result.planner.isEmpty { result.planner = key }
            var entry = Entry(result: result, isOracle: true, style: styles[key] ?? fallback)
            entry.drawnAsLine = key.hasSuffix("_reruns") || scenario.oracle[key + "_reruns"] == nil
            entries.append(entry)
        }
        let candidates = entries.indices.filter {
            !entries[$0].isOracle && entries[$0].stable && entries[$0].merged
                && entries[$0].result.mean.ciMinutesPerMerge.isFinite && entries[$0].result.mean.ttmP95.isFinite
        }
        for i in candidates {
            let p = entries[i].result.mean
            let dominated = candidates.contains { j in
                let q = entries[j].result.mean
                return q.ciMinutesPerMerge <= p.ciMinutesPerMerge && q.ttmP95 <= p.ttmP95
                    && (q.ciMinutesPerMerge < p.ciMinutesPerMerge || q.ttmP95 < p.ttmP95)
            }
            entries[i].onFront = !dominated
        }
        return entries
    }

    static func section(_ scenario: ScenarioResult, number: Int, styles: [String: SeriesStyle]) -> String {
        let entries = entries(scenario, styles: styles)
        var facts = [
            "\(compact(scenario.hours)) h simulated",
            scenario.seedCount == 1 ? "1 seed" : "\(scenario.seedCount) seeds",
        ]
        if !scenario.workload.isEmpty { facts.insert("<code>\(escape(scenario.workload))</code>", at: 0) }
        var html = [
            "<section id=\"scenario-\(number)\">",
            "<h2><span class=\"id\">\(escape(scenario.id))</span> \(escape(scenario.name))</h2>",
            "<p class=\"workload\">\(facts.joined(separator: " · "))</p>",
        ]
        html.append(entries.isEmpty ? "<p>No planner results.</p>" : table(entries))
        let unstable = entries.filter { !$0.stable }.map { escape($0.name) }
        if !unstable.isEmpty {
            html.append(
                "<p class=\"warning\">Unstable (queue kept growing, run stopped early): "
                    + "\(unstable.joined(separator: ", "))."
                    + " Their figures describe a queue that never settles.</p>")
        }
        let title = "\(scenario.id) \(scenario.name)"
        html.append("<div class=\"plots\">")
        html.append(figure(ttmPlot(entries, title: title), caption: ttmCaption))
        html.append(figure(paretoPlot(entries, title: title), caption: paretoCaption))
        html.append(figure(queuePlot(entries, hours: scenario.hours, title: title), caption: queueCaption))
        html.append("</div>\n</section>")
        return html.joined(separator: "\n")
    }

    static func figure(_ svg: String, caption: String) -> String {
        "<figure>\n\(svg)\n<figcaption>\(caption)</figcaption>\n</figure>"
    }

    static let columns: [(name: String, help: String)] = [
        ("planner", "planner or oracle (oracles are idealised references)"),
        ("merged/h", "changes merged per simulated hour"),
        ("ttm mean", "mean time to merge, minutes"), ("p50", "median time to merge, minutes"),
        ("p95", "95th percentile time to merge, minutes (range over seeds below)"),
        ("p99", "99th percentile time to merge, minutes"), ("max", "longest time to merge, minutes"),
        ("reject p50", "median time until a bad change is removed, minutes"),
        ("CI min/merge", "pipeline minutes per merged change (range over seeds below)"),
        ("runs/merge", "pipelines started per merged change"),
        ("wasted", "share of pipeline minutes whose result was never used"),
        ("false rej.", "good changes removed from the train (share of good changes)"),
        ("escaped bad", "bad changes that landed"),
        ("max queue", "most changes waiting at once"), ("stable", "whether the queue stayed bounded"),
        ("p95 vs O1", "p95 time to merge divided by that of oracle O1 with flake re-runs"),
    ]

    static func table(_ entries: [Entry]) -> String {
        var html = ["<div class=\"table-wrap\"><table>", "<thead><tr>"]
        html += columns.map { "<th title=\"\(escape($0.help))\">\(escape($0.name))</th>" }
        html.append("</tr></thead>\n<tbody>")
        for entry in entries {
            let m = entry.result.mean
            var classes: [String] = []
            if entry.isOracle { classes.append("oracle") }
            if !entry.stable { classes.append("unstable") }
            var name = "<span class=\"swatch\" style=\"background:\(entry.style.colour)\"></span>\(escape(entry.name))"
            if entry.isOracle { name += " <span class=\"badge\">oracle</span>" }
            if entry.onFront { name += " <span class=\"badge front\">front</span>" }
            let cells = [
                number(m.mergedPerHour, 2), minutes(m.ttmMean), minutes(m.ttmP50),
                minutes(m.ttmP95) + spread(entry.result, \.ttmP95, decimals: 1), minutes(m.ttmP99), minutes(m.ttmMax),
                minutes(m.rejectP50),
                number(m.ciMinutesPerMerge, 1) + spread(entry.result, \.ciMinutesPerMerge, decimals: 1),
                number(m.runsPerMerge, 2), number(m.wastedFraction * 100, 1) + "%",
                "\(m.falseRejections)<span class=\"spread\">\(number(m.falseRejectionRate * 100, 2))%</span>",
                "\(m.escapedBad)", "\(m.maxQueue)", m.stable ? "yes" : "<strong>no</strong>",
                m.p95VsO1 == 0 ? "—" : number(m.p95VsO1, 2) + "×",
            ]
            let rowClass = classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\""
            html.append(
                "<tr\(rowClass)><th scope=\"row\">\(name)</th><td>\(cells.joined(separator: "</td><td>"))</td></tr>")
        }
        html.append("</tbody></table></div>")
        return html.joined(separator: "\n")
    }

    /// The lowest and highest seed value under the mean, as "low–high", when there are several seeds.
    static func spread(_ result: PlannerResult, _ metric: (Metrics) -> Double, decimals: Int) -> String {
        guard result.seeds.count > 1 else { return "" }
        let (low, high) = result.spread(metric)
        return "<span class=\"spread\">\(number(low, decimals))–\(number(high, decimals))</span>"
    }

    /// Minutes with one decimal.
    static func minutes(_ value: Double) -> String { number(value, 1) }

    /// `value` with `decimals` digits after the point; from a million up in exponent form (`1.23e9`),
    /// `—` for NaN and `∞` for infinity.
    static func number(_ value: Double, _ decimals: Int) -> String {
        if value.isNaN { return "—" }
        if value.isInfinite { return value > 0 ? "∞" : "−∞" }
        if abs(value) >= 1e6 { return PlotAxis.label(value) }
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && (Double(text) ?? 1) == 0 ? String(text.dropFirst()) : text
    }

    /// A whole number without decimals, otherwise one decimal.
    static func compact(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e6 ? String(Int(value)) : number(value, 1)
    }

    /// Text made safe for HTML content and attribute values.
    public static func escape(_ text: String) -> String { HTMLText.escape(text) }

    static let readingGuide = """
        <p class="guide">Times are minutes from enqueue. Lower is better for time to merge and CI minutes per merge;
        a planner is on the <span class="badge front">front</span> when no other stable planner beats it on both.
        Oracles are idealised references, not choices. Small grey ranges under a figure are the lowest and highest
        value over the seeds.</p>
        """

    static let pageHead = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Trainyard simulation report</title>
        <style>
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; margin: 24px auto;
          max-width: 1400px; padding: 0 16px; }
        h1 { font-size: 24px; margin-bottom: 4px; }
        h2 { font-size: 19px; margin: 0 0 4px; }
        h2 .id { color: #555; font-weight: 600; margin-right: 6px; }
        section { border-top: 2px solid #ddd; margin-top: 28px; padding-top: 16px; }
        nav ol { margin: 4px 0 12px; }
        .guide, .workload { color: #444; max-width: 80em; }
        .warning { color: #9b1c1c; background: #fdecec; padding: 6px 10px; border-radius: 4px; display: inline-block; }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 8px 0; }
        th, td { padding: 3px 8px; border-bottom: 1px solid #e4e4e4; text-align: right; white-space: nowrap;
          vertical-align: top; }
        thead th { background: #f4f4f6; font-weight: 600; cursor: help; white-space: normal; vertical-align: bottom; }
        thead th:first-child, tbody th { text-align: left; font-weight: 500; }
        tr.oracle { background: #fafafa; color: #555; font-style: italic; }
        tr.unstable td, tr.unstable th { color: #9b1c1c; }
        .spread { display: block; color: #888; font-size: 11px; }
        .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
        .badge { font: 600 10px system-ui, sans-serif; font-style: normal; padding: 1px 4px; border-radius: 3px;
          background: #e8e8ec; color: #444; vertical-align: 1px; }
        .badge.front { background: #dff3e4; color: #17612e; }
        .plots { display: flex; flex-wrap: wrap; gap: 12px; }
        figure { margin: 8px 0; flex: 1 1 560px; max-width: 660px; }
        figcaption { color: #555; font-size: 12px; margin-top: 2px; }
        svg.plot { width: 100%; height: auto; font: 11px system-ui, sans-serif; fill: #333; }
        svg.plot .area { fill: #fcfcfd; stroke: none; }
        svg.plot .grid { stroke: #e6e6ea; stroke-width: 1; }
        svg.plot .axis { fill: none; stroke: #888; stroke-width: 1; }
        svg.plot .axis-title { font-weight: 600; fill: #444; }
        svg.plot .note { fill: #888; font-style: italic; }
        svg.plot .dot-label { font-size: 11px; font-weight: 600; }
        </style>
        </head>
        <body>
        """
}

/// The sweep plot (`--capacity 8,12,16`): p95 time to merge of every planner, and of O1 with flake
/// re-runs, against the value of the swept figure, so that what more runners (or more load) buy
/// is read along a line.
extension HTMLReport {
    static let sweepCaption =
        "p95 time to merge (log scale) at each value of the swept figure: one line per planner, dotted for O1 with "
        + "flake re-runs. A hollow dot is a variant where the planner was unstable (its queue kept growing)."

    /// A scenario run with one figure swept over several values: its variants in the order given.
    struct Sweep {
        var base: String
        var figure: String
        var variants: [(value: Double, scenario: ScenarioResult)]
    }

    /// The sweeps of one figure in the report (a sweep of two figures at once has no line to draw).
    static func sweeps(_ report: SimulationReport) -> [Sweep] {
        var sweeps: [Sweep] = []
        for scenario in report.scenarios {
            guard let swept = scenario.swept, swept.count == 1, let base = scenario.sweepBase else { continue }
            if let index = sweeps.firstIndex(where: { $0.base == base && $0.figure == swept[0].figure }) {
                sweeps[index].variants.append((swept[0].value, scenario))
            } else {
                sweeps.append(Sweep(base: base, figure: swept[0].figure, variants: [(swept[0].value, scenario)]))
            }
        }
        return sweeps.filter { $0.variants.count > 1 }
    }

    /// The section of one sweep: a heading and its plot.
    static func sweepSection(_ sweep: Sweep, number: Int, styles: [String: SeriesStyle]) -> String {
        let title = "\(sweep.base) over \(sweep.figure)"
        return [
            "<section id=\"sweep-\(number)\">",
            "<h2><span class=\"id\">\(escape(sweep.base))</span> swept over \(escape(sweep.figure))</h2>",
            "<div class=\"plots\">", figure(sweepPlot(sweep, styles: styles, title: title), caption: sweepCaption),
            "</div>\n</section>",
        ].joined(separator: "\n")
    }

    /// p95 time to merge against the swept figure (the variants in order of value): O1 with flake
    /// re-runs first, then every planner in report order, each a line with a dot per variant.
    static func sweepPlot(_ sweep: Sweep, styles: [String: SeriesStyle], title: String) -> String {
        let variants = sweep.variants.sorted { $0.value < $1.value }
        var names = ["O1_reruns"]
        for (_, scenario) in variants {
            for result in scenario.results where !names.contains(result.planner) { names.append(result.planner) }
        }
        let times = variants.flatMap { variant in names.compactMap { variant.scenario.result(named: $0)?.mean.ttmP95 } }
            .filter { $0.isFinite && $0 > 0 }
        var plot = SVGPlot(
            x: .linear(from: variants.map(\.value).min() ?? 0, to: variants.map(\.value).max() ?? 1),
            y: .logarithmic(from: times.min() ?? 1, to: times.max() ?? 10), xTitle: sweep.figure,
            yTitle: "p95 time to merge (min)")
        let fallback = SeriesStyle(colour: "#999999", dash: nil)
        for name in names {
            let style = styles[name] ?? fallback
            let points = variants.compactMap { variant -> (x: Double, y: Double, stable: Bool)? in
                guard let mean = variant.scenario.result(named: name)?.mean, mean.ttmP95.isFinite, mean.ttmP95 > 0
                else {
                    return nil
                }
                return (variant.value, mean.ttmP95, mean.stable)
            }
            guard !points.isEmpty else { continue }
            plot.addLine(points.map { ($0.x, $0.y) }, style: style, width: name == "O1_reruns" ? 1.2 : 1.8)
            for point in points {
                let fill = point.stable ? style.colour : "#ffffff"
                let (cx, cy) = (SVGPlot.coordinate(plot.px(point.x)), SVGPlot.coordinate(plot.py(point.y)))
                plot.add(
                    "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"3.5\" fill=\"\(fill)\" stroke=\"\(style.colour)\" "
                        + "stroke-width=\"1.5\"/>")
            }
            // The hollow dots say where; the legend says how often, in few enough letters to fit.
            let unstable = points.count { !$0.stable }
            plot.addLegend(name, note: unstable == 0 ? "" : " (unstable ×\(unstable))", style: style)
        }
        return plot.render(kind: "sweep", title: "Sweep: \(title)")
    }
}

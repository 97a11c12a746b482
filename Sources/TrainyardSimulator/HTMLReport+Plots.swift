import Foundation

/// The three plots of a scenario. Each is built so that odd data (no samples, one planner, all
/// zeros, an unstable planner with enormous figures, NaN or infinity) still gives finite coordinates.
extension HTMLReport {
    static let ttmCaption =
        "Time to merge: the share of good changes (first seed) merged within so many minutes."
        + " Higher and further left is better. Dashed lines are oracles (with flake re-runs where simulated);"
        + " the dotted grey line marks 95%."

    static let paretoCaption =
        "Cost against speed: CI minutes per merge and p95 time to merge, both lower is better."
        + " The green line joins the Pareto front of the stable planners (oracles are references, not candidates)."
        + " Hollow dots are unstable planners. The scale fits the stable planners; dots beyond it sit on its edge."

    static let queueCaption =
        "Changes waiting over time (first seed); dashed lines are oracles. A line that keeps rising is a queue"
        + " that never settles;"
        + " lines beyond the scale, which fits the stable planners, run along the top edge."

    // MARK: time to merge

    static func ttmPlot(_ entries: [Entry], title: String) -> String {
        let entries = entries.filter(\.drawnAsLine)
        let samples = entries.map { $0.result.ttmSample.filter { !$0.isNaN }.map { max($0, 0) }.sorted() }
        let values = samples.flatMap { $0 }.filter(\.isFinite)
        let maximum = values.max() ?? 0
        let axis: PlotAxis
        if let smallest = values.filter({ $0 > 0 }).min(), maximum / smallest >= 20 {
            axis = .logarithmic(from: smallest, to: maximum)
        } else {
            axis = .linear(upTo: maximum)
        }
        let share = PlotAxis(low: 0, high: 1, logarithmic: false)
        var plot = SVGPlot(
            x: axis, y: share, xTitle: axis.logarithmic ? "minutes to merge (log scale)" : "minutes to merge",
            yTitle: "share merged")
        plot.yTickLabel = { "\(Int(($0 * 100).rounded()))%" }
        let guideY = SVGPlot.coordinate(plot.py(0.95))
        plot.add(
            "<line x1=\"\(SVGPlot.coordinate(plot.px(axis.low)))\" y1=\"\(guideY)\" "
                + "x2=\"\(SVGPlot.coordinate(plot.px(axis.high)))\" y2=\"\(guideY)\" stroke=\"#999\" "
                + "stroke-dasharray=\"1 3\"/>")
        for (entry, sample) in zip(entries, samples) {
            guard !sample.isEmpty else {
                plot.addLegend(entry.name, note: " (no sample)", style: entry.style)
                continue
            }
            plot.addLine(cdfPoints(sample), style: entry.style, width: entry.isOracle ? 1.5 : 2)
            plot.addLegend(entry.name, note: entry.stable ? "" : " (unstable)", style: entry.style)
        }
        if samples.allSatisfy(\.isEmpty) { plot.addNote("No times to merge were sampled") }
        return plot.render(kind: "ttm", title: "Time to merge distribution: \(title)")
    }

    /// The empirical distribution of a sorted, non-empty sample as a staircase through at most 400
    /// steps: the share of values at or below each x.
    static func cdfPoints(_ sorted: [Double]) -> [(x: Double, y: Double)] {
        let count = sorted.count
        let steps = min(count, 400)
        var points: [(x: Double, y: Double)] = [(sorted[0], 0)]
        var previous = 0.0
        for step in 1...steps {
            let index = (step * count + steps - 1) / steps - 1
            let share = Double(index + 1) / Double(count)
            points.append((sorted[index], previous))
            points.append((sorted[index], share))
            previous = share
        }
        return points
    }

    // MARK: Pareto picture

    static func paretoPlot(_ entries: [Entry], title: String) -> String {
        let shown = entries.filter(\.merged)
        let reference = scaleReference(shown)
        let x = fittedAxis(reference.map(\.result.mean.ciMinutesPerMerge))
        let y = fittedAxis(reference.map(\.result.mean.ttmP95))
        var plot = SVGPlot(
            x: x, y: y, xTitle: "CI minutes per merge" + (x.logarithmic ? " (log scale)" : ""),
            yTitle: "p95 time to merge (minutes" + (y.logarithmic ? ", log scale)" : ")"))
        let green = SeriesStyle(colour: "#2e9d57", dash: nil)

        let front = shown.filter(\.onFront).sorted {
            ($0.result.mean.ciMinutesPerMerge, $0.result.mean.ttmP95) < (
                $1.result.mean.ciMinutesPerMerge,
                $1.result.mean.ttmP95
            )
        }
        if front.count > 1 {
            let line = SeriesStyle(colour: "#a8dcb9", dash: nil)
            plot.addLine(front.map { ($0.result.mean.ciMinutesPerMerge, $0.result.mean.ttmP95) }, style: line, width: 7)
        }
        let dots = shown.map {
            (entry: $0, x: plot.px($0.result.mean.ciMinutesPerMerge), y: plot.py($0.result.mean.ttmP95))
        }
        for dot in dots { plot.reserve(pixelX: dot.x, dot.y, radius: dot.entry.onFront ? 10 : 7) }
        for dot in dots {
            let mean = dot.entry.result.mean
            let offScale =
                !mean.ciMinutesPerMerge.isFinite || !mean.ttmP95.isFinite || plot.x.isBeyond(mean.ciMinutesPerMerge)
                || plot.y.isBeyond(mean.ttmP95)
            let cx = SVGPlot.coordinate(dot.x)
            let cy = SVGPlot.coordinate(dot.y)
            if dot.entry.onFront {
                plot.add(
                    "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"9\" fill=\"none\" stroke=\"\(green.colour)\" "
                        + "stroke-width=\"2\"/>"
                )
            }
            let fill = dot.entry.stable ? dot.entry.style.colour : "#ffffff"
            let paint = "fill=\"\(fill)\" stroke=\"\(dot.entry.style.colour)\" stroke-width=\"2\""
            let mark = dot.entry.isOracle ? diamond(paint) : "<circle r=\"5\" \(paint)/>"
            plot.add("<g transform=\"translate(\(cx),\(cy))\"><title>\(escape(tooltip(dot.entry)))</title>\(mark)</g>")
            var label = dot.entry.name
            if !dot.entry.stable { label += " (unstable)" }
            if offScale { label += " → off scale" }
            plot.addLabel(label, nearPixel: dot.x, dot.y, colour: dot.entry.style.colour)
        }
        if shown.isEmpty { plot.addNote("No planner merged anything") }

        let key = SeriesStyle(colour: "#555555", dash: nil)
        plot.addLegend("planner", style: key, symbol: "<circle r=\"5\" fill=\"#555555\"/>")
        plot.addLegend("oracle", style: key, symbol: diamond("fill=\"#555555\""))
        plot.addLegend(
            "unstable", style: key, symbol: "<circle r=\"5\" fill=\"#ffffff\" stroke=\"#555555\" stroke-width=\"2\"/>")
        plot.addLegend("Pareto front", style: SeriesStyle(colour: "#a8dcb9", dash: nil))
        for entry in entries where !entry.merged {
            plot.addLegend(entry.name, note: " (no merges)", style: entry.style, symbol: "")
        }
        return plot.render(kind: "pareto", title: "CI minutes per merge against p95 time to merge: \(title)")
    }

    /// The entries a plot's scale is fitted to: the stable planners, else every stable entry, else
    /// all of them; so a runaway planner, or an oracle in an overloaded scenario, cannot squash the rest.
    static func scaleReference(_ entries: [Entry]) -> [Entry] {
        let planners = entries.filter { !$0.isOracle && $0.stable }
        if !planners.isEmpty { return planners }
        let stable = entries.filter(\.stable)
        return stable.isEmpty ? entries : stable
    }

    /// An axis for `values` (the finite, non-negative ones): by powers of ten when they span more
    /// than a factor of 30, otherwise linear from zero with a little headroom.
    static func fittedAxis(_ values: [Double]) -> PlotAxis {
        let usable = values.filter { $0.isFinite && $0 >= 0 }
        let top = usable.max() ?? 0
        if let bottom = usable.filter({ $0 > 0 }).min(), top / bottom >= 30 {
            return .logarithmic(from: bottom, to: top)
        }
        return .linear(upTo: top * 1.08)
    }

    /// A diamond centred on the origin with the given paint attributes.
    static func diamond(_ paint: String) -> String {
        "<path d=\"M0,-6.5L6.5,0L0,6.5L-6.5,0Z\" \(paint)/>"
    }

    static func tooltip(_ entry: Entry) -> String {
        let mean = entry.result.mean
        return "\(entry.name): \(number(mean.ciMinutesPerMerge, 1)) CI min/merge, p95 \(minutes(mean.ttmP95)) min"
            + (entry.stable ? "" : ", unstable")
    }

    // MARK: queue length

    static func queuePlot(_ entries: [Entry], hours: Double, title: String) -> String {
        let entries = entries.filter(\.drawnAsLine)
        let traces = entries.map { $0.result.queueTrace.filter { $0.hour.isFinite && $0.hour >= 0 } }
        let lastHour = max(hours.isFinite ? hours : 0, traces.joined().map(\.hour).max() ?? 0)
        let reference = Set(scaleReference(entries).map(\.name))
        let fitted = zip(entries, traces).filter { reference.contains($0.0.name) }.flatMap { $0.1 }
        let longest = Double(fitted.map(\.length).max() ?? 0)
        var plot = SVGPlot(
            x: .linear(upTo: lastHour), y: .linear(upTo: max(longest, 5)), xTitle: "simulated hours",
            yTitle: "changes waiting")
        for (entry, trace) in zip(entries, traces) {
            guard !trace.isEmpty else {
                plot.addLegend(entry.name, note: " (no trace)", style: entry.style)
                continue
            }
            var points: [(x: Double, y: Double)] = []
            for point in trace.sorted(by: { $0.hour < $1.hour }) {
                if let last = points.last { points.append((point.hour, last.y)) }
                points.append((point.hour, Double(point.length)))
            }
            plot.addLine(points, style: entry.style, width: entry.isOracle ? 1.2 : 1.5, opacity: 0.85)
            if points.count == 1 {
                plot.add(
                    "<circle cx=\"\(SVGPlot.coordinate(plot.px(points[0].x)))\" "
                        + "cy=\"\(SVGPlot.coordinate(plot.py(points[0].y)))\" r=\"3\" fill=\"\(entry.style.colour)\"/>")
            }
            let clipped = trace.contains { plot.y.isBeyond(Double($0.length)) }
            let remarks = (entry.stable ? [] : ["unstable"]) + (clipped ? ["clipped"] : [])
            let note = remarks.isEmpty ? "" : " (\(remarks.joined(separator: ", ")))"
            plot.addLegend(entry.name, note: note, style: entry.style)
        }
        if traces.allSatisfy(\.isEmpty) { plot.addNote("No queue trace recorded") }
        return plot.render(kind: "queue", title: "Queue length over time: \(title)")
    }
}

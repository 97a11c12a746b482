import Foundation

/// One axis of a plot: a range of data values spread over the plot area, linearly or by powers of ten.
///
/// Every value maps to a finite position: values outside the range (infinity included) are clamped
/// to its ends, NaN to the low end, so no coordinate written to SVG is ever NaN or infinite.
struct PlotAxis: Sendable {
    var low: Double
    var high: Double
    var logarithmic: Bool

    /// From zero up to a round number at or above `maximum`; `0...1` when there is nothing positive.
    static func linear(upTo maximum: Double) -> PlotAxis {
        let top = maximum.isNaN ? 0 : min(maximum, 1e300)
        guard top > 0 else { return PlotAxis(low: 0, high: 1, logarithmic: false) }
        let step = niceStep(top / 5)
        let high = (top / step).rounded(.up) * step
        return PlotAxis(low: 0, high: high.isFinite && high > 0 ? high : top, logarithmic: false)
    }

    /// From a round number at or below `minimum` to one at or above `maximum` (for values that
    /// do not start near zero, such as a swept figure); from zero when `minimum` is not above it.
    static func linear(from minimum: Double, to maximum: Double) -> PlotAxis {
        guard minimum.isFinite, minimum > 0, maximum.isFinite, maximum > minimum else {
            return linear(upTo: maximum)
        }
        let step = niceStep((maximum - minimum) / 5)
        let low = max(0, (minimum / step).rounded(.down) * step)
        let high = (maximum / step).rounded(.up) * step
        guard high > low, high.isFinite else { return linear(upTo: maximum) }
        return PlotAxis(low: low, high: high, logarithmic: false)
    }

    /// From the power of ten at or below `minimum` to the one at or above `maximum`. Both are kept
    /// within 1e-6...1e300, so the logarithms stay finite.
    static func logarithmic(from minimum: Double, to maximum: Double) -> PlotAxis {
        let bottom = minimum.isNaN ? 1e-6 : min(max(minimum, 1e-6), 1e300)
        let top = maximum.isNaN ? bottom : min(max(maximum, bottom), 1e300)
        let low = pow(10, log10(bottom).rounded(.down))
        var high = pow(10, log10(top).rounded(.up))
        if high <= low { high = low * 10 }
        return PlotAxis(low: low, high: high, logarithmic: true)
    }

    /// 1, 2 or 5 times a power of ten, at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough.isFinite, rough > 0 else { return 1 }
        let magnitude = pow(10, log10(rough).rounded(.down))
        let scaled = rough / magnitude
        let factor: Double = scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10
        return factor * magnitude
    }

    /// Where `value` lies between `low` (0) and `high` (1), clamped to `0...1`.
    func fraction(_ value: Double) -> Double {
        guard !value.isNaN else { return 0 }
        let position: Double
        if logarithmic {
            guard value > low else { return 0 }
            position = (log10(value) - log10(low)) / (log10(high) - log10(low))
        } else {
            position = (value - low) / (high - low)
        }
        guard position.isFinite else { return value > low ? 1 : 0 }
        return min(max(position, 0), 1)
    }

    /// Whether `value` lies past the top of the axis (it is then drawn at the edge).
    func isBeyond(_ value: Double) -> Bool { value > high }

    /// Values to mark: round steps, or powers of ten (with 2× and 5× between them when the axis spans
    /// at most two decades, and only every few decades when it spans many).
    func ticks() -> [Double] {
        if logarithmic {
            let first = Int(log10(low).rounded())
            let last = Int(log10(high).rounded())
            let decades = last - first
            var ticks: [Double] = []
            for exponent in stride(from: first, through: last, by: max(1, (decades + 5) / 6)) {
                let power = pow(10, Double(exponent))
                ticks.append(power)
                if decades <= 2 && exponent < last { ticks += [2 * power, 5 * power] }
            }
            return ticks
        }
        let step = PlotAxis.niceStep((high - low) / 5)
        var ticks: [Double] = []
        var index = 0.0
        while ticks.count <= 20 {
            let value = low + index * step
            if value > high + step * 1e-9 { break }
            ticks.append(value)
            index += 1
        }
        return ticks
    }

    /// A short tick label: `0`, `0.5`, `20`, `1500`, `1e6`.
    static func label(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        if value == 0 { return "0" }
        if abs(value) >= 1e5 || abs(value) < 1e-3 {
            return String(format: "%.3g", value).replacingOccurrences(of: "e+0", with: "e")
                .replacingOccurrences(of: "e+", with: "e").replacingOccurrences(of: "e-0", with: "e-")
        }
        return String(format: "%g", value)
    }
}

/// How one planner's (or oracle's) line and dots look.
struct SeriesStyle: Hashable, Sendable {
    var colour: String
    /// An SVG `stroke-dasharray`, or `nil` for a solid line.
    var dash: String?

    /// The stroke attributes for a line of this style.
    func stroke(width: Double, opacity: Double = 1) -> String {
        var attributes = "fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(SVGPlot.coordinate(width))\""
        if let dash { attributes += " stroke-dasharray=\"\(dash)\"" }
        if opacity < 1 { attributes += " stroke-opacity=\"\(String(format: "%.2f", max(opacity, 0)))\"" }
        return attributes
    }
}

/// An SVG chart: a plot area with grid, ticks and axis titles, the marks drawn in it, and a legend
/// column on the right. Marks are added in data units; the plot turns them into pixels.
struct SVGPlot {
    static let width = 680.0
    /// The plot area, in pixels from the top left of the image.
    let left = 64.0, top = 34.0, areaWidth = 400.0, areaHeight = 280.0
    var x: PlotAxis
    var y: PlotAxis
    var xTitle: String
    var yTitle: String
    var xTickLabel: (Double) -> String = PlotAxis.label
    var yTickLabel: (Double) -> String = PlotAxis.label
    private var marks: [String] = []
    private var legend: [String] = []
    /// Boxes already taken by dot labels, to keep the next ones from overlapping them.
    private var taken: [(x: Double, y: Double, width: Double, height: Double)] = []

    init(x: PlotAxis, y: PlotAxis, xTitle: String, yTitle: String) {
        self.x = x
        self.y = y
        self.xTitle = xTitle
        self.yTitle = yTitle
    }

    /// A pixel coordinate with one decimal; `0` should a non-finite value ever get here.
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let text = String(format: "%.1f", value)
        return text == "-0.0" ? "0.0" : text
    }

    func px(_ value: Double) -> Double { left + x.fraction(value) * areaWidth }
    func py(_ value: Double) -> Double { top + (1 - y.fraction(value)) * areaHeight }

    /// Adds raw SVG markup (already escaped).
    mutating func add(_ markup: String) { marks.append(markup) }

    /// A polyline through `points` (data units).
    mutating func addLine(
        _ points: [(x: Double, y: Double)], style: SeriesStyle, width: Double = 2, opacity: Double = 1
    ) {
        guard !points.isEmpty else { return }
        let list = points.map { "\(SVGPlot.coordinate(px($0.x))),\(SVGPlot.coordinate(py($0.y)))" }
        marks.append(
            "<polyline points=\"\(list.joined(separator: " "))\" \(style.stroke(width: width, opacity: opacity))/>")
    }

    /// A centred remark in the plot area, for a plot with nothing to draw.
    mutating func addNote(_ text: String) {
        let cx = SVGPlot.coordinate(left + areaWidth / 2)
        let cy = SVGPlot.coordinate(top + areaHeight / 2)
        marks.append(
            "<text x=\"\(cx)\" y=\"\(cy)\" text-anchor=\"middle\" class=\"note\">\(HTMLReport.escape(text))</text>")
    }

    /// A label next to the dot at pixel (`x`, `y`), placed on the first side where it overlaps no
    /// earlier label (or to the right when every side is taken).
    mutating func addLabel(_ text: String, nearPixel x: Double, _ y: Double, colour: String) {
        let width = Double(text.count) * 6.2
        let height = 12.0
        let candidates: [(dx: Double, dy: Double, end: Bool)] = [
            (11, 4, false), (-11, 4, true), (9, -10, false), (9, 18, false), (-9, -10, true), (-9, 18, true),
        ]
        func box(_ candidate: (dx: Double, dy: Double, end: Bool)) -> (
            x: Double, y: Double, width: Double,
            height: Double
        ) {
            let start = candidate.end ? x + candidate.dx - width : x + candidate.dx
            return (start, y + candidate.dy - 10, width, height)
        }
        func fits(_ candidate: (dx: Double, dy: Double, end: Bool)) -> Bool {
            let b = box(candidate)
            guard b.x >= left - 40, b.x + b.width <= left + areaWidth + 12, b.y >= top - 4,
                b.y + b.height <= top + areaHeight + 4
            else { return false }
            return !taken.contains { t in
                b.x < t.x + t.width && t.x < b.x + b.width && b.y < t.y + t.height && t.y < b.y + b.height
            }
        }
        let chosen = candidates.first(where: fits) ?? (x + width + 8 > left + areaWidth ? candidates[1] : candidates[0])
        taken.append(box(chosen))
        let anchor = chosen.end ? " text-anchor=\"end\"" : ""
        marks.append(
            "<text x=\"\(SVGPlot.coordinate(x + chosen.dx))\" y=\"\(SVGPlot.coordinate(y + chosen.dy))\"\(anchor)"
                + " fill=\"\(colour)\" class=\"dot-label\">\(HTMLReport.escape(text))</text>")
    }

    /// Marks a pixel box (a dot) as taken, so labels keep clear of it.
    mutating func reserve(pixelX x: Double, _ y: Double, radius: Double) {
        taken.append((x - radius, y - radius, 2 * radius, 2 * radius))
    }

    /// A legend row: a line sample (or `symbol`, raw SVG drawn around the origin) and a label cut
    /// to fit the column, followed by `note` (e.g. " (unstable)"); the full text shows on hover.
    mutating func addLegend(_ label: String, note: String = "", style: SeriesStyle, symbol: String? = nil) {
        let rowY = top + 6 + Double(legend.count) * 17
        let sampleX = left + areaWidth + 18
        let room = max(26 - note.count, 8)
        let shown = (label.count > room ? String(label.prefix(room - 1)) + "…" : label) + note
        let c = SVGPlot.coordinate
        let sample =
            symbol.map { "<g transform=\"translate(\(c(sampleX + 11)),\(c(rowY)))\">\($0)</g>" }
            ?? "<line x1=\"\(c(sampleX))\" y1=\"\(c(rowY))\" x2=\"\(c(sampleX + 22))\" y2=\"\(c(rowY))\" "
            + "\(style.stroke(width: 2.5))/>"
        legend.append(
            "<g><title>\(HTMLReport.escape(label + note))</title>\(sample)"
                + "<text x=\"\(c(sampleX + 28))\" y=\"\(c(rowY + 4))\">\(HTMLReport.escape(shown))</text></g>")
    }

    /// The whole `<svg>` element. `kind` becomes its `data-plot` attribute, `title` its `<title>`.
    func render(kind: String, title: String) -> String {
        let height = max(top + areaHeight + 46, top + 14 + Double(legend.count) * 17)
        let c = SVGPlot.coordinate
        let right = left + areaWidth
        let bottom = top + areaHeight
        var svg = [
            "<svg class=\"plot\" data-plot=\"\(HTMLReport.escape(kind))\" role=\"img\" "
                + "viewBox=\"0 0 \(c(SVGPlot.width)) \(c(height))\" "
                + "width=\"\(c(SVGPlot.width))\" height=\"\(c(height))\">",
            "<title>\(HTMLReport.escape(title))</title>",
            "<rect x=\"\(c(left))\" y=\"\(c(top))\" width=\"\(c(areaWidth))\" height=\"\(c(areaHeight))\" "
                + "class=\"area\"/>",
        ]
        for tick in x.ticks() {
            let tx = c(px(tick))
            svg.append("<line x1=\"\(tx)\" y1=\"\(c(top))\" x2=\"\(tx)\" y2=\"\(c(bottom))\" class=\"grid\"/>")
            svg.append(
                "<text x=\"\(tx)\" y=\"\(c(bottom + 16))\" text-anchor=\"middle\">"
                    + "\(HTMLReport.escape(xTickLabel(tick)))</text>")
        }
        for tick in y.ticks() {
            let ty = c(py(tick))
            svg.append("<line x1=\"\(c(left))\" y1=\"\(ty)\" x2=\"\(c(right))\" y2=\"\(ty)\" class=\"grid\"/>")
            svg.append(
                "<text x=\"\(c(left - 6))\" y=\"\(c(py(tick) + 4))\" text-anchor=\"end\">"
                    + "\(HTMLReport.escape(yTickLabel(tick)))</text>")
        }
        svg.append("<path d=\"M\(c(left)),\(c(top))V\(c(bottom))H\(c(right))\" class=\"axis\"/>")
        svg.append(
            "<text x=\"\(c(left + areaWidth / 2))\" y=\"\(c(bottom + 36))\" text-anchor=\"middle\" "
                + "class=\"axis-title\">"
                + "\(HTMLReport.escape(xTitle))</text>")
        svg.append(
            "<text x=\"\(c(left))\" y=\"\(c(top - 12))\" text-anchor=\"start\" class=\"axis-title\">"
                + "\(HTMLReport.escape(yTitle))</text>")
        svg += marks
        svg += legend
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }
}

import Foundation
import TrainyardCore

/// Small inline SVG charts for the dashboard: bars per day, and lines (percentiles per day, the
/// queue length as steps). Each has a `<title>` and a `<desc>` with the figures in words, so the
/// chart says what it shows without its colours; texts are escaped, coordinates are finite.
struct SVGChart {
    struct Series {
        var name: String
        /// The CSS class of the line (`line-a`, `line-b`): its colour and dash.
        var style: String
        var points: [(x: Double, y: Double)]
    }

    static let width = 320.0
    static let height = 120.0
    static let left = 36.0
    static let bottom = 18.0
    static let top = 8.0

    /// Bars, one per label; a nil value draws no bar.
    static func bars(id: String, title: String, summary: String, labels: [String], values: [Double?], unit: String)
        -> String
    {
        let maximum = niceTop(values.compactMap { $0 }.max() ?? 0)
        let plotWidth = width - left - 4
        let step = plotWidth / Double(max(values.count, 1))
        var body = ""
        for (index, value) in values.enumerated() {
            guard let value, value > 0 else { continue }
            let barHeight = (height - bottom - top) * min(value / maximum, 1)
            let x = left + Double(index) * step + step * 0.15
            body += rect(
                x: x, y: height - bottom - barHeight, width: step * 0.7, height: barHeight, label: labels[index],
                value: value, unit: unit)
        }
        return frame(id: id, title: title, summary: summary, maximum: maximum, unit: unit, labels: labels, body: body)
    }

    /// Lines over `0..<count` days (x is the index), or over any x range the caller normalises.
    static func lines(
        id: String, title: String, summary: String, labels: [String], series: [Series], xRange: ClosedRange<Double>,
        unit: String, steps: Bool = false
    ) -> String {
        let maximum = niceTop(series.flatMap { $0.points.map(\.y) }.max() ?? 0)
        let plotWidth = width - left - 4
        let span = max(xRange.upperBound - xRange.lowerBound, 1e-9)
        func position(_ point: (x: Double, y: Double)) -> (Double, Double) {
            let x = left + plotWidth * min(max((point.x - xRange.lowerBound) / span, 0), 1)
            let y = height - bottom - (height - bottom - top) * min(max(point.y / maximum, 0), 1)
            return (x, y)
        }
        var body = ""
        for line in series where !line.points.isEmpty {
            var path = ""
            var previous: (Double, Double)?
            for point in line.points {
                let (x, y) = position(point)
                if let previous, steps {
                    path += " L\(format(x)) \(format(previous.1))"
                }
                path += (previous == nil ? "M" : " L") + "\(format(x)) \(format(y))"
                previous = (x, y)
            }
            if steps, let previous { path += " L\(format(width - 4)) \(format(previous.1))" }
            body += "<path class=\"\(escape(line.style))\" d=\"\(path)\"><title>\(escape(line.name))</title></path>"
            if !steps {
                for point in line.points {
                    let (x, y) = position(point)
                    body += "<circle class=\"\(escape(line.style))\" cx=\"\(format(x))\" cy=\"\(format(y))\" r=\"2\"/>"
                }
            }
        }
        return frame(id: id, title: title, summary: summary, maximum: maximum, unit: unit, labels: labels, body: body)
    }

    static func frame(
        id: String, title: String, summary: String, maximum: Double, unit: String, labels: [String], body: String
    ) -> String {
        let plotWidth = width - left - 4
        let baseline = format(height - bottom)
        var axis = "<line class=\"axis\" x1=\"\(format(left))\" y1=\"\(baseline)\" "
        axis += "x2=\"\(format(width - 4))\" y2=\"\(baseline)\"/>"
        axis += tick(x: left - 4, y: top + 8, end: true, text: short(maximum))
        axis += tick(x: left - 4, y: height - bottom, end: true, text: "0")
        if let first = labels.first { axis += tick(x: left, y: height - 4, end: false, text: first) }
        if labels.count > 1, let last = labels.last {
            axis += tick(x: left + plotWidth, y: height - 4, end: true, text: last)
        }
        let safeID = id.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        return """
            <svg class="chart" viewBox="0 0 \(format(width)) \(format(height))" role="img" \
            aria-labelledby="\(safeID)-title \(safeID)-desc" xmlns="http://www.w3.org/2000/svg">\
            <title id="\(safeID)-title">\(escape(title)) (\(escape(unit)))</title>\
            <desc id="\(safeID)-desc">\(escape(summary))</desc>\(axis)\(body)</svg>
            """
    }

    static func rect(x: Double, y: Double, width: Double, height: Double, label: String, value: Double, unit: String)
        -> String
    {
        "<rect class=\"bar\" x=\"\(format(x))\" y=\"\(format(y))\" "
            + "width=\"\(format(width))\" height=\"\(format(height))\">"
            + "<title>\(escape(label)): \(escape(short(value))) \(escape(unit))</title></rect>"
    }

    /// An axis label at (`x`, `y`), ending there when `end`.
    static func tick(x: Double, y: Double, end: Bool, text: String) -> String {
        "<text class=\"tick\" x=\"\(format(x))\" y=\"\(format(y))\"\(end ? " text-anchor=\"end\"" : "")>"
            + "\(escape(text))</text>"
    }

    /// A round number at or above `value` (1, 2 or 5 times a power of ten); 1 for nothing.
    static func niceTop(_ value: Double) -> Double {
        guard value.isFinite, value > 0 else { return 1 }
        let power = pow(10, floor(log10(value)))
        for factor in [1.0, 2, 5, 10] where factor * power >= value { return factor * power }
        return 10 * power
    }

    /// `12`, `3.5`, `0.25`: a figure for a label.
    static func short(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value >= 100 || value == value.rounded() { return String(Int(value.rounded())) }
        if value < 1 { return String(format: "%.2g", value) }
        return String(format: value >= 10 ? "%.0f" : "%.1f", value)
    }

    static func format(_ value: Double) -> String {
        String(format: "%.1f", value.isFinite ? value : 0)
    }

    static func escape(_ text: String) -> String { HTMLText.escape(text) }
}

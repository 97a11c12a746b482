import Foundation
import TrainyardCore

/// The four charts of a train, each with a caption that gives its figures in words.
extension TrainCard {
    static func charts(_ stats: DashboardStats, anchor: String, now: Date) -> [Chart] {
        let labels = stats.days.map { day(Date(timeIntervalSince1970: Double($0.start) / 1000)) }
        let landings = stats.days.map(\.landings)
        let total = landings.reduce(0, +)
        let week = landings.suffix(7).reduce(0, +)
        let p50 = stats.days.enumerated().compactMap { index, day in day.p50.map { (Double(index), $0 / 60) } }
        let p95 = stats.days.enumerated().compactMap { index, day in day.p95.map { (Double(index), $0 / 60) } }
        let last = stats.days.last { $0.p95 != nil }
        let timeCaption =
            last.map {
                "Time to merge on \(day(Date(timeIntervalSince1970: Double($0.start) / 1000))): "
                    + "p50 \(minutes($0.p50)), p95 \(minutes($0.p95))."
            } ?? "No landings in the last \(stats.days.count) days."
        let ci = stats.days.map(\.ciMinutesPerMerge)
        let ciCaption =
            stats.days.last { $0.ciMinutesPerMerge != nil }.map {
                "CI minutes per merge on \(day(Date(timeIntervalSince1970: Double($0.start) / 1000))): "
                    + SVGChart.short($0.ciMinutesPerMerge ?? 0) + "."
            } ?? "No landings, so no CI minutes per merge."
        let start = Double(now.timeIntervalSince1970 * 1000) - Double(DashboardStats.dayMilliseconds)
        let queuePoints = stats.queue.map { ((Double($0.at.milliseconds) - start) / 3_600_000, Double($0.length)) }
        let longest = stats.queue.map(\.length).max() ?? 0
        let queueCaption =
            "Queue length over the last 24 hours: now \(stats.queue.last?.length ?? 0), longest \(longest)."
        return [
            Chart(
                svg: SVGChart.lines(
                    id: "\(anchor)-ttm", title: "Time to merge per day, p50 and p95", summary: timeCaption,
                    labels: [labels.first ?? "", labels.last ?? ""],
                    series: [
                        SVGChart.Series(name: "p50", style: "line-a", points: p50),
                        SVGChart.Series(name: "p95", style: "line-b", points: p95),
                    ],
                    xRange: 0...Double(max(stats.days.count - 1, 1)), unit: "minutes"),
                caption: timeCaption + " Solid line p50, dashed line p95."),
            Chart(
                svg: SVGChart.bars(
                    id: "\(anchor)-ci", title: "CI minutes per merge per day", summary: ciCaption, labels: labels,
                    values: ci, unit: "minutes"),
                caption: ciCaption),
            Chart(
                svg: SVGChart.bars(
                    id: "\(anchor)-landings", title: "Landings per day",
                    summary: "\(total) landings in \(stats.days.count) days, \(week) in the last 7.", labels: labels,
                    values: landings.map { Double($0) }, unit: "landings"),
                caption: "\(total) landings in \(stats.days.count) days, \(week) in the last 7."),
            Chart(
                svg: SVGChart.lines(
                    id: "\(anchor)-queue", title: "Queue length, last 24 hours", summary: queueCaption,
                    labels: ["24 h ago", "now"],
                    series: [SVGChart.Series(name: "queue length", style: "line-a", points: queuePoints)],
                    xRange: 0...24, unit: "changes", steps: true),
                caption: queueCaption),
        ]
    }

    static func minutes(_ seconds: Double?) -> String {
        guard let seconds else { return "none" }
        return SVGChart.short(seconds / 60) + " min"
    }
}

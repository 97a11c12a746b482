import Foundation
import Testing
import TrainyardCore
import TrainyardEngine

@testable import TrainyardHTTP

/// The charts' figures, from decision logs with known answers.
struct DashboardStatsTests {
    static let day: Int64 = 86_400_000
    /// Noon of some UTC day.
    static let noon = Instant(milliseconds: 20_000 * day + day / 2)

    static func record(_ kind: Decision.Kind, _ changes: [Int], minutes: Int64, pipeline: Int? = nil) -> DecisionRecord
    {
        DecisionRecord(
            id: minutes + 10_000, target: "main",
            decision: Decision(kind: kind, changes: changes, pipeline: pipeline, reason: ""),
            at: Instant(milliseconds: noon.milliseconds + minutes * 60_000))
    }

    @Test func timeToMergeAndCIMinutesPerMergeComeFromTheLog() throws {
        let log = [
            Self.record(.queued, [1], minutes: -120), Self.record(.queued, [2], minutes: -110),
            Self.record(.pipelineStarted, [1], minutes: -100, pipeline: 11),
            Self.record(.passed, [1], minutes: -80, pipeline: 11),
            Self.record(.landed, [1], minutes: -79),
            Self.record(.pipelineStarted, [2], minutes: -70, pipeline: 12),
            Self.record(.failed, [2], minutes: -40, pipeline: 12),
            Self.record(.blamed, [2], minutes: -40),
            Self.record(.queued, [3], minutes: -30),
            Self.record(.pipelineStarted, [3], minutes: -29, pipeline: 13),
            Self.record(.passed, [3], minutes: -9, pipeline: 13),
            Self.record(.landed, [3], minutes: -9),
        ]
        let stats = DashboardStats(decisions: log.shuffled(), now: Self.noon, queueLength: 0, days: 3)
        #expect(stats.days.count == 3)
        let today = try #require(stats.days.last)
        #expect(today.start == Self.noon.milliseconds - Self.day / 2)
        #expect(today.landings == 2)
        #expect(today.p50 == 21 * 60 && today.p95 == 41 * 60, "waits of 41 and 21 minutes")
        #expect(today.ciMinutesPerMerge == (20 + 30 + 20) / 2.0, "every finished pipeline counts, failed ones too")
        #expect(stats.days.first?.landings == 0 && stats.days.first?.p50 == nil)
        #expect(stats.days.first?.ciMinutesPerMerge == nil)
    }

    @Test func theQueueLengthIsWalkedBackFromNow() {
        let log = [
            Self.record(.queued, [1], minutes: -120), Self.record(.queued, [2], minutes: -110),
            Self.record(.landed, [1], minutes: -79), Self.record(.blamed, [2], minutes: -40),
            Self.record(.queued, [3], minutes: -30),
        ]
        let stats = DashboardStats(decisions: log, now: Self.noon, queueLength: 1)
        #expect(stats.queue.map(\.length) == [0, 1, 2, 1, 0, 1])
        #expect(stats.queue.first?.at == Instant(milliseconds: Self.noon.milliseconds - Self.day))
        #expect(stats.queue.last?.at == log.last?.at)
    }

    @Test(
        arguments: [
            ([Double](), 0.5, nil), ([5.0], 0.95, 5.0), ([1, 2, 3, 4], 0.5, 2.0), ([1, 2, 3, 4], 0.95, 4.0),
            (Array(stride(from: 1.0, through: 100, by: 1)), 0.95, 95.0),
        ] as [([Double], Double, Double?)])
    func percentilesAreNearestRank(values: [Double], fraction: Double, expected: Double?) {
        #expect(DashboardStats.percentile(values, fraction) == expected)
    }

    @Test func chartsEscapeTheirTextsAndStayFinite() {
        let svg = SVGChart.bars(
            id: "x\"><script>", title: "<b>title</b>", summary: "a & b", labels: ["<i>", "Dec 2"],
            values: [nil, .infinity], unit: "min'")
        #expect(!svg.contains("<script>") && !svg.contains("<b>") && !svg.contains("<i>"))
        #expect(svg.contains("&lt;b&gt;title&lt;/b&gt;") && svg.contains("a &amp; b") && svg.contains("min&#39;"))
        #expect(!svg.contains("nan") && !svg.contains("inf"))
        let lines = SVGChart.lines(
            id: "q", title: "Queue", summary: "", labels: [],
            series: [SVGChart.Series(name: "q", style: "line-a", points: [(0, 3), (24, .nan)])],
            xRange: 0...24, unit: "changes", steps: true)
        #expect(!lines.contains("nan") && lines.contains("<path class=\"line-a\""))
    }
}

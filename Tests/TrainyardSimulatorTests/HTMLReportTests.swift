import Foundation
import Testing

@testable import TrainyardSimulator

struct HTMLReportTests {
    static let hostileName = "<script>alert(1)</script>"

    /// Figures for a planner: `ttm` must be sorted.
    static func metrics(_ ttm: [Double], ci: Double, stable: Bool = true, maxQueue: Int = 6) -> Metrics {
        var m = Metrics()
        m.stable = stable
        m.merged = ttm.count
        m.mergedPerHour = Double(ttm.count) / 8
        func quantile(_ p: Double) -> Double { ttm.isEmpty ? 0 : ttm[min(ttm.count - 1, Int(p * Double(ttm.count)))] }
        m.ttmMean = ttm.isEmpty ? 0 : ttm.reduce(0, +) / Double(ttm.count)
        m.ttmP50 = quantile(0.5)
        m.ttmP95 = quantile(0.95)
        m.ttmP99 = quantile(0.99)
        m.ttmMax = ttm.last ?? 0
        m.rejectP50 = 11
        m.ciMinutesPerMerge = ci
        m.runsPerMerge = ci / 30
        m.wastedFraction = 0.1
        m.maxQueue = maxQueue
        m.p95VsO1 = m.ttmP95 / 50
        return m
    }

    /// A planner whose times to merge spread around `median` minutes, with three seeds.
    static func planner(
        _ name: String, median: Double, ci: Double, stable: Bool = true, queue: Int = 6
    ) -> PlannerResult {
        let sample = (0..<200).map { median * (0.5 + Double($0 * 37 % 200) / 100) }.sorted()
        let mean = metrics(sample, ci: ci, stable: stable, maxQueue: stable ? queue : 400)
        var low = mean
        low.ttmP95 *= 0.9
        low.ciMinutesPerMerge *= 0.95
        var high = mean
        high.ttmP95 *= 1.1
        let trace = (0...48).map { step in
            QueuePoint(hour: Double(step) / 6, length: stable ? queue + step % 5 - 2 : step * 8)
        }
        return PlannerResult(planner: name, mean: mean, seeds: [low, mean, high], ttmSample: sample, queueTrace: trace)
    }

    static func oracles(scale: Double) -> [String: PlannerResult] {
        var oracles: [String: PlannerResult] = [:]
        for (offset, key) in ["O1", "O1_reruns", "O2", "OB"].enumerated() {
            oracles[key] = planner(key, median: scale * (20 + 3 * Double(offset)), ci: 30 - 2 * Double(offset))
        }
        return oracles
    }

    /// Two scenarios with the same planners: one ordinary with an unstable planner whose figures are
    /// enormous and a planner that merged nothing; one where everything is zero, infinite or NaN.
    static let report: SimulationReport = {
        let idle = PlannerResult(planner: "idle", mean: Metrics(), seeds: [], ttmSample: [], queueTrace: [])
        var runaway = planner("runaway", median: 1e9, ci: 20, stable: false)
        runaway.mean.ttmMax = 1e12
        let busy = ScenarioResult(
            id: "S1", name: "Busy <day> & \"rush\"", workload: "λ=10/h D=30m p=0.02 f=0.01 K=8", hours: 8,
            seedCount: 3, oracle: oracles(scale: 1),
            results: [
                planner("serial", median: 60, ci: 30), planner(hostileName, median: 35, ci: 55),
                planner("batch", median: 70, ci: 60), runaway, idle,
            ])
        var zero = planner("serial", median: 0, ci: 0)
        zero.ttmSample = [0, 0, 0]
        zero.queueTrace = [QueuePoint(hour: 0, length: 0)]
        var odd = planner(hostileName, median: 1, ci: 1, stable: false)
        odd.mean.ttmP95 = .infinity
        odd.mean.ciMinutesPerMerge = .nan
        odd.ttmSample = [1, 2, .infinity, .nan]
        let edge = ScenarioResult(
            id: "S2", name: "Edge cases", workload: "", hours: 0, seedCount: 1, oracle: [:],
            results: [zero, odd, idle])
        return SimulationReport(scenarios: [busy, edge])
    }()

    @Test func everyScenarioHasItsThreePlots() {
        let html = HTMLReport.render(Self.report)
        for kind in ["ttm", "pareto", "queue"] {
            #expect(html.components(separatedBy: "data-plot=\"\(kind)\"").count - 1 == Self.report.scenarios.count)
        }
        #expect(html.components(separatedBy: "<svg class=\"plot\"").count - 1 == 3 * Self.report.scenarios.count)
        #expect(html.components(separatedBy: "<title>").count - 1 >= 3 * Self.report.scenarios.count + 1)
    }

    @Test func namesAreEscaped() {
        let html = HTMLReport.render(Self.report)
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains(Self.hostileName))
        #expect(!html.lowercased().contains("<script"))
        #expect(html.contains("Busy &lt;day&gt; &amp; &quot;rush&quot;"))
        #expect(HTMLReport.escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;")
    }

    @Test func noNonFiniteNumbers() {
        let words = Set(HTMLReport.render(Self.report).lowercased().split { !$0.isLetter }.map(String.init))
        #expect(words.intersection(["nan", "inf", "infinity"]).isEmpty)
    }

    @Test func pageIsSelfContained() {
        let html = HTMLReport.render(Self.report).lowercased()
        for reference in ["src=", "<link", "@import", "url(", "http:", "https:", "<script", "<iframe"] {
            #expect(!html.contains(reference), "page refers to something outside itself: \(reference)")
        }
        let links = html.components(separatedBy: "href=\"").dropFirst()
        #expect(links.allSatisfy { $0.hasPrefix("#") }, "only links within the page")
    }

    @Test func paretoFrontHoldsOnlyStableUndominatedPlanners() {
        let entries = HTMLReport.entries(Self.report.scenarios[0], styles: HTMLReport.seriesStyles(Self.report))
        let front = Set(entries.filter(\.onFront).map(\.name))
        // batch (ci 60, slower than serial) is dominated; runaway is unstable; idle merged nothing.
        #expect(front == ["serial", Self.hostileName])
        #expect(entries.filter(\.isOracle).map(\.name) == ["O1", "O1_reruns", "O2", "OB"])
    }

    @Test func plannersKeepTheirColourAcrossScenarios() {
        let styles = HTMLReport.seriesStyles(Self.report)
        let first = HTMLReport.entries(Self.report.scenarios[0], styles: styles)
        let second = HTMLReport.entries(Self.report.scenarios[1], styles: styles)
        for entry in second {
            #expect(first.first { $0.name == entry.name }?.style == entry.style)
        }
        let planners = first.filter { !$0.isOracle }.map(\.style.colour)
        #expect(Set(planners).count == planners.count)
    }

    @Test func axesAndNumbersStayFinite() {
        #expect(PlotAxis.linear(upTo: 0).high == 1)
        #expect(PlotAxis.linear(upTo: .nan).high == 1)
        #expect(PlotAxis.linear(upTo: 87).high == 100)
        let log = PlotAxis.logarithmic(from: 0, to: .infinity)
        #expect(log.low > 0 && log.high.isFinite)
        for axis in [PlotAxis.linear(upTo: 1e300), log, .logarithmic(from: 3, to: 4000)] {
            #expect(axis.ticks().allSatisfy { $0.isFinite })
            for value in [-1, 0, 1, .nan, .infinity, -.infinity, 1e308] {
                #expect((0...1).contains(axis.fraction(value)))
            }
        }
        #expect(HTMLReport.number(12.345, 1) == "12.3")
        #expect(HTMLReport.number(-0.01, 1) == "0.0")
        #expect(HTMLReport.number(2.5e9, 1) == "2.5e9")
        #expect(HTMLReport.number(.infinity, 1) == "∞")
        #expect(HTMLReport.number(.nan, 2) == "—")
    }

    @Test func emptyReportRenders() {
        let html = HTMLReport.render(SimulationReport(scenarios: []))
        #expect(html.contains("No scenarios"))
        #expect(!html.contains("data-plot="))
    }

    // MARK: in a real browser

    /// The page in headless Chromium: it loads, every plot is in the DOM, and the browser logs no
    /// console message (which is also where invalid SVG coordinates would show up).
    @Test func loadsCleanlyInChromium() async throws {
        let chromium = try #require(Chromium.find(), Comment(rawValue: Chromium.missing))
        let file = try Self.temporaryPage(HTMLReport.render(Self.report))
        defer { try? FileManager.default.removeItem(at: file) }
        let page = try await chromium.load(file)
        #expect(!page.timedOut, "Chromium did not finish within the timeout")
        #expect(page.status == 0, "Chromium exited with \(page.status):\n\(page.stderr)")
        #expect(page.dom.components(separatedBy: "data-plot=").count - 1 == 3 * Self.report.scenarios.count)
        #expect(page.dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.dom.lowercased().contains("<script"))
        #expect(page.consoleMessages.isEmpty, "console messages:\n\(page.consoleMessages.joined(separator: "\n"))")
    }

    /// The console check itself catches what it is there for: a console error, an uncaught exception,
    /// and a NaN coordinate in SVG.
    @Test func chromiumConsoleCheckCatchesErrors() async throws {
        let chromium = try #require(Chromium.find(), Comment(rawValue: Chromium.missing))
        let broken = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>broken</title></head><body>
            <svg width="10" height="10"><circle cx="NaN" cy="5" r="2"/></svg>
            <script>console.error("deliberate console error");</script>
            <script>notDefinedAnywhere();</script>
            </body></html>
            """
        let file = try Self.temporaryPage(broken)
        defer { try? FileManager.default.removeItem(at: file) }
        let page = try await chromium.load(file)
        #expect(page.status == 0)
        let messages = page.consoleMessages.joined(separator: "\n")
        #expect(messages.contains("deliberate console error"), "stderr was:\n\(page.stderr)")
        #expect(messages.contains("Uncaught ReferenceError"))
        #expect(messages.contains("\"NaN\""))
    }

    static func temporaryPage(_ html: String) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-report-\(UUID()).html")
        try html.write(to: file, atomically: true, encoding: .utf8)
        return file
    }
}

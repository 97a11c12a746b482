import Foundation
import Testing

@testable import TrainyardSimulator

/// The sweep plot of the HTML report: p95 time to merge against the swept figure, a line per
/// planner, hollow dots where a planner was unstable; checked as markup and in a real browser.
struct HTMLSweepTests {
    /// S4 swept over capacity, with figures set by hand and out of order: `adaptive` is unstable
    /// on 8 runners.
    static let report: SimulationReport = {
        let figures: [(capacity: Double, adaptive: Double, stable: Bool, trunk: Double)] = [
            (16, 499.8, true, 8000), (8, 2821.8, false, 11281.3), (12, 609.6, true, 9000),
        ]
        let scenarios = figures.map { figure in
            var oracle = HTMLReportTests.oracles(scale: 10)
            oracle["O1_reruns"]?.mean.ttmP95 = 420
            var adaptive = HTMLReportTests.planner("adaptive", median: figure.adaptive / 2, ci: 380)
            adaptive.mean.ttmP95 = figure.adaptive
            adaptive.mean.stable = figure.stable
            var trunk = HTMLReportTests.planner("trunk", median: figure.trunk / 2, ci: 680, stable: false)
            trunk.mean.ttmP95 = figure.trunk
            return ScenarioResult(
                id: "S4@capacity=\(Int(figure.capacity))", name: "long CI", workload: "K=\(Int(figure.capacity))",
                hours: 100, seedCount: 3, oracle: oracle, results: [adaptive, trunk],
                swept: [ScenarioSweep.Value(figure: "capacity", value: figure.capacity)])
        }
        return SimulationReport(scenarios: scenarios)
    }()

    /// The `<svg>` element of the sweep plot.
    static func sweepPlot(_ html: String) throws -> String {
        let start = try #require(html.range(of: "data-plot=\"sweep\""))
        let end = try #require(html.range(of: "</svg>", range: start.upperBound..<html.endIndex))
        return String(html[start.lowerBound..<end.lowerBound])
    }

    @Test func aSweptScenarioGetsOnePlotWithALinePerPlanner() throws {
        let html = HTMLReport.render(Self.report)
        #expect(html.contains("<a href=\"#sweep-1\">S4</a> — swept over capacity"))
        #expect(html.components(separatedBy: "data-plot=\"sweep\"").count == 2)
        let svg = try Self.sweepPlot(html)
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 3, "O1_reruns, adaptive and trunk")
        #expect(svg.components(separatedBy: "<circle").count - 1 == 9, "a dot per line and capacity")
        #expect(svg.components(separatedBy: "fill=\"#ffffff\"").count - 1 == 4, "adaptive at 8, trunk at 8, 12, 16")
        #expect(svg.contains("adaptive (unstable ×1)") && svg.contains("trunk (unstable ×3)"))
        #expect(svg.contains(">capacity</text>") && svg.contains("p95 time to merge (min)"))
        // The lines run in order of capacity, whatever the order of the variants.
        for line in svg.components(separatedBy: "<polyline points=\"").dropFirst() {
            let xs = line.prefix { $0 != "\"" }.split(separator: " ").compactMap { Double($0.split(separator: ",")[0]) }
            #expect(xs.count == 3 && xs == xs.sorted(), "\(xs)")
        }
    }

    @Test func noSweepPlotWithoutASweepOfOneFigure() {
        var twoFigures = Self.report
        for index in twoFigures.scenarios.indices {
            twoFigures.scenarios[index].swept?.append(ScenarioSweep.Value(figure: "pipeline_minutes", value: 30))
        }
        #expect(!HTMLReport.render(twoFigures).contains("data-plot=\"sweep\""))
        var single = Self.report
        single.scenarios = [single.scenarios[0]]
        #expect(!HTMLReport.render(single).contains("data-plot=\"sweep\""))
        #expect(!HTMLReport.render(HTMLReportTests.report).contains("data-plot=\"sweep\""))
    }

    @Test func theSweptFiguresAreInTheJSON() throws {
        struct Body: Decodable {
            struct Scenario: Decodable {
                var id: String
                var swept: [String: Double]?
            }
            var scenarios: [Scenario]
        }
        let body = try JSONDecoder().decode(Body.self, from: Data(try JSONReport.render(Self.report).utf8))
        #expect(body.scenarios.map(\.id) == ["S4@capacity=16", "S4@capacity=8", "S4@capacity=12"])
        #expect(body.scenarios.map(\.swept) == [["capacity": 16], ["capacity": 8], ["capacity": 12]])
        var plain = Self.report
        for index in plain.scenarios.indices { plain.scenarios[index].swept = nil }
        #expect(!(try JSONReport.render(plain)).contains("\"swept\""))
    }

    @Test func loadsCleanlyInChromium() async throws {
        let chromium = try #require(Chromium.find(), Comment(rawValue: Chromium.missing))
        let file = try HTMLReportTests.temporaryPage(HTMLReport.render(Self.report))
        defer { try? FileManager.default.removeItem(at: file) }
        let page = try await chromium.load(file)
        #expect(!page.timedOut && page.status == 0, "Chromium exited with \(page.status):\n\(page.stderr)")
        #expect(page.dom.components(separatedBy: "data-plot=").count - 1 == 1 + 3 * Self.report.scenarios.count)
        #expect(page.consoleMessages.isEmpty, "console messages:\n\(page.consoleMessages.joined(separator: "\n"))")
    }
}

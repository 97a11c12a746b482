import Foundation
import Testing
import TrainyardEngine
import Yams

/// The Grafana dashboard and the alert rules in `docs/` name only metrics Trainyard exports, with
/// the labels each has; `docs/operations.md` lists every metric.
struct ObservabilityDocumentTests {
    /// Every `trainyard_…` name in `text`, histogram suffixes taken off.
    static func metricNames(_ text: String) -> Set<String> {
        let names = text.matches(of: #/trainyard_[a-z_]+/#).map { String($0.output) }
        return Set(
            names.map { name in
                for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
                    let base = String(name.dropLast(suffix.count))
                    if MetricCatalog.byName[base]?.kind == .histogram { return base }
                }
                return name
            })
    }

    @Test func theGrafanaDashboardNamesOnlyExportedMetrics() throws {
        let data = try Data(contentsOf: DocumentFilesTests.docs.appendingPathComponent("grafana-dashboard.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(dashboard["uid"] as? String == "trainyard-overview")
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let expressions = panels.flatMap { ($0["targets"] as? [[String: Any]]) ?? [] }.compactMap {
            $0["expr"] as? String
        }
        #expect(expressions.count >= panels.count)
        let named = Self.metricNames(expressions.joined(separator: "\n"))
        #expect(named.count >= 15)
        for name in named { #expect(MetricCatalog.byName[name] != nil, "\(name) is not exported") }
        for expression in expressions {
            for match in expression.matches(of: #/(trainyard_[a-z_]+)\{([^}]*)\}/#) {
                let metric = Self.metricNames(String(match.output.1)).first ?? ""
                let labels = match.output.2.matches(of: #/([a-z_]+)\s*(=~|!=|=)/#).map { String($0.output.1) }
                let known = Set((MetricCatalog.byName[metric]?.labels ?? []) + ["le"])
                for label in labels { #expect(known.contains(label), "\(metric) has no label \(label)") }
            }
        }
    }

    @Test func theAlertRulesAndTheMetricTableMatchTheCatalog() throws {
        let text = try String(
            contentsOf: DocumentFilesTests.docs.appendingPathComponent("operations.md"), encoding: .utf8)
        let blocks = text.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        let rules = try #require(blocks.first { $0.contains("groups:") })
        let parsed = try #require(try Yams.load(yaml: rules) as? [String: Any])
        let groups = try #require(parsed["groups"] as? [[String: Any]])
        let alerts = groups.flatMap { ($0["rules"] as? [[String: Any]]) ?? [] }
        #expect(alerts.count >= 5)
        for alert in alerts {
            #expect(alert["alert"] is String && alert["expr"] is String && alert["annotations"] != nil, "\(alert)")
        }
        for name in Self.metricNames(rules) { #expect(MetricCatalog.byName[name] != nil, "\(name) is not exported") }
        for metric in MetricCatalog.all {
            #expect(text.contains("| `\(metric.name)` |"), "\(metric.name) is not in the table of operations.md")
        }
    }
}

import Foundation
import Testing
import TrainyardEngine
import TrainyardTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `/metrics` of the running service, read by a strict parser of Prometheus' text format: a merge
/// request queued and landed shows in the counters and histograms, webhooks by outcome, forge
/// calls by status, and the gauges read from the store.
struct MetricsEndToEndTests {
    static func scrape(_ harness: ServiceHarness) async throws -> PrometheusText {
        let (data, response) = try await URLSession.shared.uncancellableData(
            for: URLRequest(url: harness.baseURL.appendingPathComponent("metrics")))
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        #expect(http.value(forHTTPHeaderField: "Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        return try PrometheusText(String(decoding: data, as: UTF8.self))
    }

    @Test func aLandingShowsInTheMetrics() async throws {
        let harness = try await ServiceHarness.start()
        try await harness.running { harness in
            let empty = try await Self.scrape(harness)
            for metric in MetricCatalog.all where metric.labels.isEmpty {
                #expect(empty.families.contains(metric.name), "\(metric.name) is there from the start")
            }
            #expect(empty.series("trainyard_cars").isEmpty, "no train has state yet")

            let iid = try await harness.openMergeRequest("measured", ["measured.txt": "1\n"])
            let (queued, _) = try await harness.request(
                "POST", "api/v1/projects/group%2Fapp/merge_requests/\(iid)/enqueue",
                headers: ["Authorization": "Bearer \(ServiceHarness.apiToken)"])
            #expect(queued == 202)
            try await harness.waitFor(iid, state: "merged")
            let train = ["project": "group/app", "target": "main"]
            try await waitUntil { try await Self.scrape(harness).value("trainyard_landings_total", train) == 1 }
            let unsigned = try await harness.request("POST", "webhooks/gitlab", body: Data("{}".utf8))
            #expect(unsigned.status == 401)

            let text = try await Self.scrape(harness)
            for family in text.families {
                let definition = try #require(MetricCatalog.byName[family], "\(family) is in the catalog")
                #expect(text.help[family] == definition.help && text.types[family] == definition.kind.rawValue)
            }
            #expect(text.value("trainyard_time_to_merge_seconds_count", train) == 1)
            #expect((text.value("trainyard_time_to_merge_seconds_sum", train) ?? 0) > 0)
            #expect((text.value("trainyard_pipelines_total", train.merging(["outcome": "passed"]) { $1 }) ?? 0) >= 1)
            #expect((text.value("trainyard_ci_seconds_total", train) ?? 0) > 0)
            #expect(text.value("trainyard_queue_length", train) == 0)
            #expect(text.value("trainyard_train_paused", train) == 0)
            #expect((text.value("trainyard_forge_requests_total", ["forge": "gitlab", "status": "200"]) ?? 0) > 0)
            #expect(
                (text.value("trainyard_webhook_deliveries_total", ["source": "gitlab", "outcome": "stored"]) ?? 0) > 0)
            #expect(
                text.value("trainyard_webhook_deliveries_total", ["source": "gitlab", "outcome": "missing_token"]) == 1)
            #expect((text.value("trainyard_event_processing_duration_seconds_count") ?? 0) > 0)
            #expect(
                text.value("trainyard_inbox_backlog") != nil
                    && text.value("trainyard_outbox_oldest_wait_seconds") != nil)
            #expect(text.series("trainyard_removals_total").isEmpty, "nothing was removed")
            #expect(text.value("trainyard_ready") == 1, "the running service is ready")
        }
    }
}

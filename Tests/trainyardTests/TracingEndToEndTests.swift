import Foundation
import Hummingbird
import Synchronization
import Testing
import TrainyardTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `tracing:` on the real binary: spans reach an OTLP/HTTP collector (a fake one here, taking
/// `http/json`), and one trace follows a request through the delivery it stored to the actions
/// that delivery decided; the landing's span continues the trace of the event that passed its car.
struct TracingEndToEndTests {
    struct Span {
        let name: String
        let trace: String
        let id: String
        let parent: String
    }

    /// Every span of the collected OTLP/JSON bodies.
    static func spans(_ bodies: [Data]) -> [Span] {
        bodies.flatMap { body -> [Span] in
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
            let resources = object["resourceSpans"] as? [[String: Any]] ?? []
            return resources.flatMap { resource in
                (resource["scopeSpans"] as? [[String: Any]] ?? []).flatMap { scope in
                    (scope["spans"] as? [[String: Any]] ?? []).map { span in
                        Span(
                            name: span["name"] as? String ?? "", trace: span["traceId"] as? String ?? "",
                            id: span["spanId"] as? String ?? "", parent: span["parentSpanId"] as? String ?? "")
                    }
                }
            }
        }
    }

    @Test func oneTraceFollowsARequestToTheActionsItLeadsTo() async throws {
        let bodies = Mutex<[Data]>([])
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            bodies.withLock { $0.append(Data(buffer: body)) }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        let (collector, collectorPort) = await GracefulRunner.serve(router, label: "FakeCollector")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tracing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let gitlab = FakeGitLab(root: root.appendingPathComponent("gitlab"))
        try await gitlab.start()
        let repository = try await gitlab.createProject(path: "group/app", files: ["README.md": "hi\n"]).gitURL
        let port = FreePort.pick()
        let config = root.appendingPathComponent("trainyard.yml").path
        try """
        listen: 127.0.0.1:\(port)
        storage: sqlite:\(root.path)/data/trainyard.db
        api:
          tokens: [tracing-api-token]
        tracing:
          otlp_endpoint: http://127.0.0.1:\(collectorPort)
          protocol: http/json
          service_name: trainyard-under-test
        forges:
          gitlab:
            kind: gitlab
            url: \(gitlab.baseURL.absoluteString)
            token: \(await gitlab.token)
            webhook_secret: tracing-webhook-secret
        projects:
          - forge: gitlab
            path: group/app
            targets: [main]
            git_url: \(repository.absoluteString)
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let process = TrainyardProcess.start(config: config, log: root.appendingPathComponent("trainyard.log").path)
        do {
            try await ForgeAudit.waitUntilServing(port)
            await gitlab.addWebhook(
                project: "group/app", url: URL(string: "http://127.0.0.1:\(port)/webhooks/gitlab")!,
                token: "tracing-webhook-secret")
            let iid = try await gitlab.createMergeRequest(
                project: "group/app", sourceBranch: "traced", title: "Traced", files: ["traced.txt": "1\n"])
            var request = URLRequest(
                url: URL(string: "http://127.0.0.1:\(port)/api/v1/projects/group%2Fapp/merge_requests/\(iid)/enqueue")!)
            request.httpMethod = "POST"
            request.setValue("Bearer tracing-api-token", forHTTPHeaderField: "Authorization")
            let (_, response) = try await URLSession.shared.uncancellableData(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 202)
            try await waitUntil(timeout: .seconds(60)) {
                await gitlab.mergeRequest(project: "group/app", iid: iid)?.state == "merged"
            }
            let dashboard = URL(string: "http://127.0.0.1:\(port)/?token=a-dashboard-token-never-traced")!
            _ = try await URLSession.shared.uncancellableData(for: URLRequest(url: dashboard))
            try await waitUntil(timeout: .seconds(30)) {
                let spans = Self.spans(bodies.withLock { $0 })
                return spans.contains { $0.name == "action land" } && spans.contains { $0.name == "/" }
            }
        } catch {
            _ = await process.terminate(within: .seconds(10))
            await gitlab.stop()
            await collector.stop()
            throw error
        }
        #expect(await process.terminate(within: .seconds(15)), "the service stops on SIGTERM with tracing on")
        await gitlab.stop()
        await collector.stop()

        let collected = bodies.withLock { $0 }
        let text = collected.map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(text.contains("trainyard-under-test"), "the service name is the configured one")
        for secret in [
            "a-dashboard-token-never-traced", "tracing-api-token", "tracing-webhook-secret", await gitlab.token,
        ] {
            #expect(!text.contains(secret), "a secret in a span: \(secret)")
        }
        #expect(text.contains("token=REDACTED"))
        let spans = Self.spans(collected)
        let byID = Dictionary(spans.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        /// The names of a span's ancestors, nearest first.
        func ancestors(_ span: Span) -> [String] {
            var names: [String] = []
            var current = span
            while let parent = byID[current.parent], names.count < 50 {
                names.append(parent.name)
                current = parent
            }
            return names
        }
        // The API request's span, the stored command's application under it, and under that the
        // actions it decided, down to the car's pipeline: one trace.
        let enqueue = try #require(spans.first { $0.name.contains("enqueue") }, "\(spans.map(\.name))")
        #expect(spans.contains { $0.name.hasPrefix("apply ") && $0.parent == enqueue.id })
        let built = spans.filter { $0.name == "action buildCar" }
        #expect(
            built.contains { $0.trace == enqueue.trace && ancestors($0).contains(enqueue.name) },
            "the car the command decided is in the request's trace: \(built.map(ancestors))")
        let started = spans.filter { $0.name == "action startPipeline" }
        #expect(started.contains { ancestors($0).first == "action buildCar" }, "the pipeline follows the built car")
        // The landing continues the trace of what passed its car: a pipeline webhook's
        // application (or a poll's timer), back to the request that brought it.
        let land = try #require(spans.first { $0.name == "action land" })
        let landAncestors = ancestors(land)
        #expect(
            landAncestors.contains { $0.hasPrefix("apply ") || $0.hasPrefix("timer ") || $0.hasPrefix("action ") },
            "\(landAncestors)")
        #expect(byID[land.parent]?.trace == land.trace)
        try? FileManager.default.removeItem(at: root)
    }
}

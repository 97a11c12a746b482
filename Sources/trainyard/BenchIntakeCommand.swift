import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TrainyardForges

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `trainyard bench-intake`: measures how fast webhook deliveries are verified, stored durably
/// (SQLite, `synchronous=FULL`) and acknowledged, over real HTTP on loopback, while the engine runs.
struct BenchIntakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-intake", abstract: "Measure webhook intake latency on loopback (a benchmark, not a test).")

    @Option(help: "Deliveries to send.")
    var requests: Int = 2000

    @Option(help: "Deliveries in flight at once.")
    var concurrency: Int = 8

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var config = TrainyardConfig()
        config.listen = .init(host: "127.0.0.1", port: 0)
        config.storage = .sqlite(path: root.appendingPathComponent("trainyard.db").path)
        config.forges = [
            "gitlab": .init(
                name: "gitlab", kind: "gitlab", url: URL(string: "http://127.0.0.1:9")!, token: "unused",
                webhookSecret: "bench-secret")
        ]
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let service = try await TrainyardService(config: config, logger: logger)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = service.application { continuation.yield($0) }
        // Stopped by a graceful shutdown: cancelling a serving task can crash NIO (apple/swift-nio#3481).
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let server = Task {
            // A server that ends before it listens yields no port: end the wait for one.
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            _ = try? await server.value
            throw ValidationError("the service did not start")
        }
        do {
            try await measure(port: port)
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await server.value
            try? await closeStore(service.store)
            throw error
        }
        await group.triggerGracefulShutdown()
        _ = try? await server.value
        try? await closeStore(service.store)
    }

    /// Sends the deliveries to the service listening on `port` and prints the figures.
    func measure(port: Int) async throws {
        let url = URL(string: "http://127.0.0.1:\(port)/webhooks/gitlab")!
        let body = Data(
            #"{"object_kind":"push","ref":"refs/heads/feature","after":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","project":{"path_with_namespace":"group/app"}}"#
                .utf8)
        let session = URLSession(configuration: .ephemeral)
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            let perWorker = requests / max(concurrency, 1)
            for worker in 0..<max(concurrency, 1) {
                group.addTask {
                    var results: [Duration] = []
                    for index in 0..<perWorker {
                        var request = URLRequest(url: url)
                        request.httpMethod = "POST"
                        request.httpBody = body
                        request.setValue("Push Hook", forHTTPHeaderField: "X-Gitlab-Event")
                        request.setValue("bench-secret", forHTTPHeaderField: "X-Gitlab-Token")
                        request.setValue("bench-\(worker)-\(index)", forHTTPHeaderField: "X-Gitlab-Event-UUID")
                        let sent = ContinuousClock.now
                        let (_, response) = try await session.uncancellableData(for: request)
                        results.append(ContinuousClock.now - sent)
                        guard (response as? HTTPURLResponse)?.statusCode == 202 else {
                            throw ValidationError("unexpected answer \(response)")
                        }
                    }
                    return results
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let elapsed = ContinuousClock.now - started
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> String {
            let value = sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
            return String(
                format: "%.2f ms", Double(value.components.attoseconds) / 1e15 + Double(value.components.seconds) * 1000
            )
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("deliveries: \(sorted.count), concurrency: \(concurrency), wall: \(String(format: "%.2f", seconds)) s")
        print("throughput: \(String(format: "%.0f", Double(sorted.count) / seconds)) deliveries/s")
        print(
            "latency p50 \(percentile(0.50)), p90 \(percentile(0.90)), p99 \(percentile(0.99)), max \(percentile(1.0))")
    }
}

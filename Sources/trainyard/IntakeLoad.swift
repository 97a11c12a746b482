import Foundation
import TrainyardForges

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The load `trainyard bench-intake` sends: GitLab Push Hooks with fresh event UUIDs over real
/// HTTP, either with a fixed number in flight (closed loop) or at a fixed rate (open loop).
struct IntakeLoad: Sendable {
    let url: URL
    let body = Data(
        #"{"object_kind":"push","ref":"refs/heads/feature","after":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","project":{"path_with_namespace":"group/app"}}"#
            .utf8)
    let run = UUID().uuidString.prefix(8)

    /// What one measurement found.
    struct Result {
        var latencies: [Duration]
        var elapsed: Duration

        func report(label: String, markdown: Bool) -> String {
            let sorted = latencies.sorted()
            func milliseconds(_ value: Duration) -> String {
                String(format: "%.2f ms", Double(value / .microseconds(1)) / 1000)
            }
            func percentile(_ p: Double) -> String {
                milliseconds(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))])
            }
            let seconds = Double(elapsed / .milliseconds(1)) / 1000
            let throughput = String(format: "%.0f/s", Double(sorted.count) / seconds)
            if markdown {
                return "| \(label) | \(throughput) | \(percentile(0.5)) | \(percentile(0.99)) | \(percentile(1.0)) |"
            }
            return """
                \(label): \(sorted.count) deliveries in \(String(format: "%.2f", seconds)) s, \(throughput)
                latency p50 \(percentile(0.50)), p90 \(percentile(0.90)), p99 \(percentile(0.99)), max \(percentile(1.0))
                """
        }
    }

    func session(connections: Int) -> URLSession {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = max(1, connections)
        return URLSession(configuration: configuration)
    }

    /// Sends one delivery and returns its round trip.
    func send(_ key: String, on session: URLSession) async throws -> Duration {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("Push Hook", forHTTPHeaderField: "X-Gitlab-Event")
        request.setValue("bench-secret", forHTTPHeaderField: "X-Gitlab-Token")
        request.setValue("bench-\(run)-\(key)", forHTTPHeaderField: "X-Gitlab-Event-UUID")
        let sent = ContinuousClock.now
        let (_, response) = try await session.uncancellableData(for: request)
        let took = ContinuousClock.now - sent
        guard (response as? HTTPURLResponse)?.statusCode == 202 else {
            throw BenchFailure("unexpected answer \(response)")
        }
        return took
    }

    /// `concurrency` senders, each sending its share one after the other.
    func closedLoop(requests: Int, concurrency: Int) async throws -> Result {
        let senders = max(concurrency, 1)
        let session = session(connections: senders)
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for sender in 0..<senders {
                group.addTask {
                    var results: [Duration] = []
                    for index in 0..<(requests / senders) {
                        results.append(try await send("\(senders)-\(sender)-\(index)", on: session))
                    }
                    return results
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        return Result(latencies: latencies, elapsed: ContinuousClock.now - started)
    }

    /// One delivery every `1/rate` seconds, each sent at its time whatever is still in flight.
    func openLoop(requests: Int, rate: Int) async throws -> Result {
        let session = session(connections: 256)
        let clock = ContinuousClock()
        let started = clock.now
        let interval = Duration.seconds(1) / max(rate, 1)
        let latencies = try await withThrowingTaskGroup(of: Duration.self) { group in
            for index in 0..<requests {
                try await clock.sleep(until: started + interval * index)
                group.addTask { try await send("rate-\(index)", on: session) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        return Result(latencies: latencies, elapsed: clock.now - started)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

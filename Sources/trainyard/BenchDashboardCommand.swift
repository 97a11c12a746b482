import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TrainyardCore
import TrainyardEngine

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `trainyard bench-dashboard`: how long the dashboard's front page and `/metrics` take to answer
/// over loopback, on an SQLite store seeded with trains, queues and two weeks of decisions (what
/// the page's charts read). Every page render is measured: the render cache is turned off.
struct BenchDashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-dashboard",
        abstract: "Measure the dashboard and /metrics on a seeded store (a benchmark, not a test).")

    @Option(help: "Trains (targets of one project).")
    var trains: Int = 10

    @Option(help: "Changes landed per train per day, over the 14 days the charts show.")
    var landingsPerDay: Int = 20

    @Option(help: "Changes queued on each train now.")
    var queued: Int = 10

    @Option(help: "Requests of each page to time.")
    var requests: Int = 50

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        var config = TrainyardConfig()
        config.listen = .init(host: "127.0.0.1", port: 0)
        config.storage = .sqlite(path: root.appendingPathComponent("trainyard.db").path)
        config.dashboardRefreshSeconds = 0.000_002
        config.forges = [
            "gitlab": .init(
                name: "gitlab", kind: "gitlab", url: URL(string: "http://127.0.0.1:9")!, token: "unused",
                webhookSecret: "bench-secret")
        ]
        let targets = (1...trains).map { "release/\($0)" }
        config.projects = [.init(forge: "gitlab", path: "group/app", targets: targets, gitURL: nil, maxParallel: 4)]
        let service = try await TrainyardService(config: config, logger: logger)
        let seeded = ContinuousClock.now
        let decisions = try await seed(service.store, targets: targets)
        print("seeded \(trains) trains, \(decisions) decisions in \(ContinuousClock.now - seeded)")
        // The router alone: the engine does not run, so nothing calls the (absent) forge.
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: service.router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let server = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        if let port = await iterator.next() {
            for path in ["/", "/metrics"] {
                print(try await time(URL(string: "http://127.0.0.1:\(port)\(path)")!, label: path))
            }
        }
        await group.triggerGracefulShutdown()
        _ = try? await server.value
        try? await closeStore(service.store)
    }

    /// Trains with `queued` changes each, and per train `landingsPerDay` changes a day for 14 days,
    /// each queued, tested for 20 minutes and landed; returns how many decisions were written.
    func seed(_ store: any EngineStore, targets: [String]) async throws -> Int {
        let now = Instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        var written = 0
        var pipeline = 0
        for (index, target) in targets.enumerated() {
            let id = TrainID(forge: "gitlab", project: "group/app", target: target)
            var train = Train(id: id, settings: TrainSettings(maxParallel: 4, planner: .prefix))
            _ = train.apply(.targetMoved(head: SHA(String(repeating: "a", count: 40))))
            for change in 0..<queued {
                let number = 100_000 + index * 1000 + change
                _ = train.apply(
                    .changeEnqueued(
                        Change(
                            number: number, head: SHA(String(format: "%040d", number)), title: "Change \(number)",
                            sourceBranch: "feature-\(number)", requestedBy: "@alice", enqueuedAt: now)))
            }
            try await store.commit(
                train: id, state: train, actions: [], decisions: [], timers: [], finishing: nil, at: now)
            let spacing = 86_400_000 / Int64(max(landingsPerDay, 1))
            for step in 0..<(14 * landingsPerDay) {
                let number = index * 100_000 + step
                pipeline += 1
                let queuedAt = now.adding(milliseconds: -Int64(step + 1) * spacing)
                try await store.commit(
                    train: id, state: nil, actions: [],
                    decisions: [
                        Decision(kind: .queued, changes: [number], reason: "Queued at position 1 of 1."),
                        Decision(kind: .pipelineStarted, changes: [number], car: 1, pipeline: pipeline, reason: "P."),
                    ], timers: [], finishing: nil, at: queuedAt)
                try await store.commit(
                    train: id, state: nil, actions: [],
                    decisions: [
                        Decision(kind: .passed, changes: [number], car: 1, pipeline: pipeline, reason: "Passed."),
                        Decision(kind: .landed, changes: [number], reason: "Merged !\(number)."),
                    ], timers: [], finishing: nil, at: queuedAt.adding(milliseconds: 20 * 60_000))
                written += 4
            }
        }
        return written
    }

    /// Times `requests` GETs of `url` one after another: the first (nothing kept yet: every train
    /// rendered, two weeks of decisions read), then the median and p95 of all, and the size.
    func time(_ url: URL, label: String) async throws -> String {
        var durations: [Double] = []
        var bytes = 0
        for _ in 0..<requests {
            let started = ContinuousClock.now
            let (data, response) = try await URLSession.shared.data(from: url)
            durations.append((ContinuousClock.now - started).inSeconds * 1000)
            guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                throw ValidationError("\(label) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
            }
            bytes = data.count
        }
        let first = durations.first ?? 0
        durations.sort()
        let median = durations[durations.count / 2]
        let p95 = durations[min(durations.count - 1, Int((Double(durations.count) * 0.95).rounded(.up)) - 1)]
        return String(
            format: "%@: first %.1f ms, then median %.1f ms, p95 %.1f ms, %d KiB (%d requests)", label, first, median,
            p95, bytes / 1024, requests)
    }
}

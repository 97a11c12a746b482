import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `trainyard bench-intake`: measures how fast webhook deliveries are verified, stored durably
/// and acknowledged, over real HTTP on loopback, while the engine runs. `--store bare` measures a
/// Hummingbird route that reads the body and answers 202 without storing anything: the ceiling
/// of the HTTP stack and the client on this machine.
struct BenchIntakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-intake", abstract: "Measure webhook intake latency on loopback (a benchmark, not a test).")

    enum StoreChoice: String, ExpressibleByArgument, CaseIterable {
        case bare, sqlite, postgres
    }

    @Option(help: "Deliveries to send (per in-flight setting).")
    var requests: Int = 2000

    @Option(
        parsing: .upToNextOption,
        help: "Deliveries in flight at once; several values measure each in turn (closed loop).")
    var concurrency: [Int] = [8]

    @Option(help: "Send at this many deliveries a second instead (open loop), whatever is in flight.")
    var rate: Int?

    @Option(help: "Where deliveries go: bare (answer 202, store nothing), sqlite or postgres.")
    var store: StoreChoice = .sqlite

    @Option(help: "The PostgreSQL database for --store postgres (postgres://user@host:port/db); it is migrated.")
    var postgres: String?

    @Flag(help: "Print one Markdown table row per measurement.")
    var markdown = false

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app: any Service
        var service: TrainyardService?
        switch store {
        case .bare:
            app = Self.bareApplication(logger: logger) { continuation.yield($0) }
        case .sqlite, .postgres:
            var config = TrainyardConfig()
            config.listen = .init(host: "127.0.0.1", port: 0)
            if store == .postgres {
                guard let postgres else { throw ValidationError("--store postgres needs --postgres postgres://…") }
                config.storage = .postgres(url: postgres)
            } else {
                config.storage = .sqlite(path: root.appendingPathComponent("trainyard.db").path)
            }
            config.forges = [
                "gitlab": .init(
                    name: "gitlab", kind: "gitlab", url: URL(string: "http://127.0.0.1:9")!, token: "unused",
                    webhookSecret: "bench-secret")
            ]
            let built = try await TrainyardService(config: config, logger: logger)
            service = built
            app = built.application { continuation.yield($0) }
        }
        // Stopped by a graceful shutdown: cancelling a serving task can crash NIO (apple/swift-nio#3481).
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let server = Task {
            // A server that ends before it listens yields no port: end the wait for one.
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next()
        var failure: (any Error)?
        if let port {
            do {
                try await measure(port: port)
            } catch {
                failure = error
            }
        } else {
            failure = ValidationError("the service did not start")
        }
        await group.triggerGracefulShutdown()
        _ = try? await server.value
        if let store = service?.store { try? await closeStore(store) }
        if let failure { throw failure }
    }

    /// A route that reads the body and answers 202, as intake does, and stores nothing.
    static func bareApplication(logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void) -> some Service {
        let router = Router()
        router.post("/webhooks/:forge") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .accepted, body: .init(byteBuffer: ByteBuffer(string: #"{"status":"accepted"}"#)))
        }
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "Trainyard"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    /// Sends the deliveries to the service listening on `port` and prints the figures.
    func measure(port: Int) async throws {
        let load = IntakeLoad(url: URL(string: "http://127.0.0.1:\(port)/webhooks/gitlab")!)
        if let rate {
            print(
                try await load.openLoop(requests: requests, rate: rate).report(label: "\(rate)/s", markdown: markdown))
            return
        }
        for inFlight in concurrency {
            let result = try await load.closedLoop(requests: requests, concurrency: inFlight)
            print(result.report(label: "\(inFlight) in flight", markdown: markdown))
        }
    }
}

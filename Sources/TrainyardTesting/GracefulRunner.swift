import Hummingbird
import Logging
import ServiceLifecycle

/// Runs a service (a Hummingbird application) in its own service group and stops it with a
/// graceful shutdown instead of cancelling its task.
///
/// Cancelling the task that serves an async server channel can drop a connection that was
/// accepted but not yet read, and NIO then traps with "Deinited NIOAsyncWriter without calling
/// finish()" (apple/swift-nio#3481). A graceful shutdown stops accepting, lets open connections
/// finish, and then returns.
public final class GracefulRunner: Sendable {
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts `service` at once; no Unix signal stops it, only ``stop()``. A shutdown that takes
    /// longer than `patience` (a connection that never finishes) becomes a cancellation.
    public init(_ service: some Service, logger: Logger, patience: Duration = .seconds(10)) {
        var configuration = ServiceGroupConfiguration(services: [service], logger: logger)
        configuration.maximumGracefulShutdownDuration = patience
        configuration.maximumCancellationDuration = patience
        let group = ServiceGroup(configuration: configuration)
        self.group = group
        task = Task { try await group.run() }
    }

    /// Asks the service to shut down gracefully and waits until it has.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    /// Waits until the service ends by itself and rethrows its error, if any.
    public func value() async throws {
        try await task.value
    }
}

extension GracefulRunner {
    /// Serves `router` on 127.0.0.1 at a port the system picks; returns the runner and the port
    /// once the server listens.
    public static func serve(_ router: Router<BasicRequestContext>, label: String) async -> (GracefulRunner, Int) {
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let runner = GracefulRunner(app, logger: logger)
        Task {
            _ = try? await runner.value()
            continuation.finish()
        }
        var port = 0
        for await value in ports { port = value }
        return (runner, port)
    }
}

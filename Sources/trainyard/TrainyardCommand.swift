import ArgumentParser
import Foundation
import Hummingbird
import Logging
import TrainyardEngine
import TrainyardBrowser
import ServiceLifecycle

/// `trainyard`: the command line.
@main
struct TrainyardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trainyard",
        abstract: "A self-hosted merge train service.",
        subcommands: [
            Serve.self, CheckConfig.self, MigrateCommand.self, BenchIntakeCommand.self, BenchPlannerCommand.self,
            SimulateCommand.self, ReplayCommand.self, CronCommand.self, BrowserCheckCommand.self, WebhookCommand.self,
            BenchDashboardCommand.self,
        ],
        defaultSubcommand: Serve.self)
}

/// The configuration file to use: the one given, else `trainyard.yml` when it exists, else the
/// built-in defaults (SQLite under `.trainyard/`, no projects).
func loadConfig(_ path: String?) throws -> TrainyardConfig {
    if let path { return try ConfigLoader.load(file: path) }
    if FileManager.default.fileExists(atPath: "trainyard.yml") { return try ConfigLoader.load(file: "trainyard.yml") }
    return TrainyardConfig()
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the service: webhooks, API and the trains.")

    @Option(name: .shortAndLong, help: "The configuration file (default: trainyard.yml if present).")
    var config: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        MemoryTuning.apply()
        let settings = try loadConfig(config)
        LoggingSystem.bootstrap(
            { label, provider in
                switch settings.logFormat {
                case .json:
                    JSONLogHandler(label: label, metadataProvider: provider, write: JSONLogHandler.standardError)
                case .text: StreamLogHandler.standardError(label: label, metadataProvider: provider)
                }
            }, metadataProvider: LogContext.metadataProvider)
        var logger = Logger(label: "trainyard")
        logger.logLevel = level
        if settings.projects.isEmpty {
            logger.warning("no projects are configured; see docs/configuration.md")
        }
        let service = try await TrainyardService(config: settings, logger: logger)
        let log = logger
        let app = service.application { port in
            log.info("listening", metadata: ["address": "\(settings.listen.host):\(port)"])
        }
        // A graceful stop that has not finished within this time (a request that does not end)
        // becomes a cancellation, so SIGTERM always stops the process.
        var services: [any Service] = [app]
        if let tracing = settings.tracing {
            services.append(try TracingBackend.start(tracing, logger: logger))
            logger.info(
                "tracing", metadata: ["endpoint": "\(tracing.endpoint)", "protocol": "\(tracing.wireProtocol)"])
        }
        var group = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(10)
        group.maximumCancellationDuration = .seconds(5)
        do {
            try await ServiceGroup(configuration: group).run()
        } catch {
            try? await closeStore(service.store)
            throw error
        }
        try await closeStore(service.store)
        logger.info("stopped")
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Validate a configuration file and name every problem.")

    @Argument(help: "The configuration file.")
    var file: String = "trainyard.yml"

    func run() throws {
        do {
            let config = try ConfigLoader.load(file: file)
            print(
                "\(file) is valid: \(config.forges.count) forge(s), \(config.projects.count) project(s), "
                    + "listening on \(config.listen.host):\(config.listen.port).")
            for warning in Self.warnings(config, chromium: Chromium.find()) { print("warning: \(warning)") }
        } catch let errors as ConfigErrors {
            FileHandle.standardError.write(Data((errors.description + "\n").utf8))
            throw ExitCode(1)
        }
    }

    /// What is valid but will not work as meant on this machine.
    static func warnings(_ config: TrainyardConfig, chromium: String?) -> [String] {
        let reviewed = config.projects.filter { $0.reviewApps != nil }.map(\.path)
        guard !reviewed.isEmpty else { return [] }
        var found: [String] = []
        if chromium == nil {
            found.append(
                "review_apps (\(reviewed.joined(separator: ", "))) check every deploy in Chromium, which is not "
                    + "installed here: `apt-get install chromium`; until then every check fails with that reason.")
        }
        if config.publicURL == nil {
            found.append("public_url is not set: the review app notes will carry no links to their screenshots.")
        }
        if config.linkSecret == nil, config.publicURL != nil {
            found.append(
                "link_secret is not set: screenshot links stop working at every restart and differ between replicas.")
        }
        return found
    }
}

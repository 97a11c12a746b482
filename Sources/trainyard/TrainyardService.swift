import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TrainyardBrowser
import TrainyardCore
import TrainyardEngine
import TrainyardForges
import TrainyardGit
import TrainyardHTTP
import TrainyardStore

/// The composition root: builds the store, the adapters, the engine and the HTTP application
/// from a configuration. Only this type sees every module.
struct TrainyardService {
    let config: TrainyardConfig
    let store: any EngineStore
    let engine: TrainEngine
    let router: Router<BasicRequestContext>
    let logger: Logger
    /// The review apps' browser, ended with the service (else Chromium would outlive it).
    let browser: BrowserCheck?

    init(config: TrainyardConfig, logger: Logger) async throws {
        self.config = config
        self.logger = logger
        store = try await openStore(
            config.storage, logger: logger, schema: .migrate, stalledTransactionSeconds: max(1, config.leaseSeconds / 3)
        )
        let replica = Self.replica(config)
        let exporter = MetricsExporter()
        var forges: [String: any ForgePort] = [:]
        var verifiers: [String: any WebhookVerifier] = [:]
        var authorization: [String: GitCredential] = [:]
        var gitBases: [String: String] = [:]
        for forge in config.forges.values {
            let adapters = try ForgeAdapters(
                forge, userAgent: replica.map { "Trainyard (\($0.holder))" } ?? "Trainyard", metrics: exporter.metrics,
                logger: logger)
            forges[forge.name] = adapters.port
            verifiers[forge.name] = adapters.verifier
            authorization[forge.name] = adapters.credential
            gitBases[forge.name] = adapters.gitBase
        }
        let projects = config.projects.compactMap { project -> ProjectSettings? in
            guard let forge = config.forges[project.forge], let base = gitBases[project.forge] else { return nil }
            let github = forge.kind == "github"
            var settings = ProjectSettings(
                key: ProjectKey(forge: project.forge, path: project.path), targets: project.targets,
                gitURL: project.gitURL ?? "\(base)/\(project.path).git",
                train: TrainSettings(
                    maxParallel: project.maxParallel, mergeCommand: "@\(config.mention) merge",
                    planner: project.planner,
                    pipelineTimeout: Int64(project.pipelineTimeoutMinutes) * 60_000, flakeRetries: project.flakeRetries,
                    plannerSettings: project.plannerSettings),
                changeRef: github ? "refs/pull/{number}/head" : "refs/merge-requests/{number}/head",
                mergeAccessLevel: project.mergeAccessLevel, controlAccessLevel: project.controlAccessLevel,
                reviewApps: project.reviewApps)
            settings.requiredChecks = project.requiredChecks
            settings.mergeChecks = project.mergeChecks
            settings.carPushOptions = github ? [] : ["ci.skip"]
            return settings
        }
        let git = GitMirror(root: config.resolvedGitDirectory, authorization: authorization, logger: logger)
        let clock = try ServiceClock(
            environment: ProcessInfo.processInfo.environment.merging(config.clockEnvironment) { _, test in test })
        if !clock.isReal { logger.warning("a test clock is running", metadata: ["rate": "\(clock.rate)"]) }
        let (reviewApps, screenshots) = Self.reviewApps(config, logger: logger)
        browser = reviewApps?.browser as? BrowserCheck
        let alerts = config.scheduleAlerts
        engine = TrainEngine(
            store: store, git: git, forges: forges, projects: projects, clock: clock.read, logger: logger,
            mention: config.mention, ciBudget: config.ciBudget.map(CIBudget.init(limit:)),
            replica: replica, retentionDays: config.retentionDays, chat: ChatReplier(), schedules: config.schedules,
            alerts: AlertSender(
                slackURL: alerts.slackURL, mattermostURL: alerts.mattermostURL, webhookURL: alerts.webhookURL,
                webhookSecret: alerts.webhookSecret),
            clockRate: clock.rate, reviewApps: reviewApps,
            reconcileInterval: config.reconcileSeconds > 0 ? Int64(config.reconcileSeconds) * 1000 : nil,
            metrics: exporter.metrics)
        var services = HTTPServices(
            verifiers: verifiers, engine: engine, store: store, apiTokens: config.apiTokens,
            projects: projects.map(\.key), chatops: config.chatops,
            targets: Dictionary(projects.map { ($0.key, $0.targets) }, uniquingKeysWith: { first, _ in first }))
        services.screenshots = screenshots
        services.exporter = exporter
        services.dashboard = DashboardSettings(
            access: config.dashboard.access, tokens: config.dashboard.token.map { [$0] } ?? [],
            links: config.forges.mapValues {
                ForgeLinks(kind: $0.kind == "github" ? .github : .gitlab, api: $0.url)
            }, refreshSeconds: config.dashboardRefreshSeconds, streamSeconds: config.dashboardStreamSeconds)
        services.dashboard.secureCookie = config.publicURL?.hasPrefix("https://") == true
        var schema: (@Sendable () async throws -> Void)?
        if let versioned = store as? any VersionedStore {
            schema = { try await versioned.schemaStatus().requireCurrent() }
        }
        services.readiness = Readiness(schema: schema, stuckAfterSeconds: Double(config.stuckAfterSeconds))
        router = TrainyardRoutes.router(services)
    }

    /// The browser, deploy endpoint client and screenshot folder of review apps, when a project
    /// has them; and the signed links to the screenshots, when `public_url` says where Trainyard is.
    static func reviewApps(_ config: TrainyardConfig, logger: Logger) -> (ReviewAppServices?, ScreenshotLinks?) {
        guard config.projects.contains(where: { $0.reviewApps != nil }) else { return (nil, nil) }
        let folder = (config.resolvedGitDirectory as NSString).deletingLastPathComponent + "/screenshots"
        let links = config.publicURL.map {
            ScreenshotLinks(
                root: folder, baseURL: $0, secret: config.linkSecret ?? UUID().uuidString + UUID().uuidString)
        }
        if config.publicURL == nil {
            logger.warning("public_url is not set: review app notes carry no links to their screenshots")
        }
        var browser: BrowserCheck?
        if let executable = Chromium.find() {
            browser = BrowserCheck(settings: BrowserCheck.Settings(executable: executable), logger: logger)
        } else {
            logger.error("review apps are checked in Chromium, which is not installed: \(Chromium.missing(nil))")
        }
        let services = ReviewAppServices(
            browser: browser, hook: ReviewAppHookSender(), artifacts: folder, link: { links?.link($0) })
        return (services, links)
    }

    /// With PostgreSQL, several replicas may share the database: this one drives a train only
    /// under the train's lease, named after the host, the process and a random part.
    static func replica(_ config: TrainyardConfig) -> ReplicaSettings? {
        guard case .postgres = config.storage else { return nil }
        let host = ProcessInfo.processInfo.hostName
        let name = "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        return ReplicaSettings(holder: name, leaseSeconds: config.leaseSeconds)
    }

    /// The HTTP application with the engine as one of its services. `onRunning` gets the port
    /// the server listens on (useful with port 0).
    func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: router,
            server: .guardedHTTP1(limits: config.connections),
            configuration: .init(
                address: .hostname(config.listen.host, port: config.listen.port), serverName: "Trainyard"),
            services: [EngineService(engine: engine, browser: browser)],
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}

/// Runs the engine for as long as the application runs. A graceful shutdown (SIGTERM) lets each
/// driver finish the step in hand and leaves the rest in the store for the next start.
struct EngineService: Service {
    let engine: TrainEngine
    /// The review apps' browser, closed once the engine has stopped.
    let browser: BrowserCheck?

    func run() async throws {
        await withGracefulShutdownHandler {
            await engine.run()
        } onGracefulShutdown: {
            engine.stop()
        }
        await browser?.close()
    }
}

/// Opens the configured store.
/// On PostgreSQL, `stalledTransactionSeconds` is how long a transaction may stall (a paused
/// replica) before the server rolls it back and frees its locks.
func openStore(
    _ storage: TrainyardConfig.Storage, logger: Logger, schema: SchemaCheck, stalledTransactionSeconds: Int = 5
) async throws -> any EngineStore {
    switch storage {
    case .sqlite(let path): return try await SQLiteStore.open(path: path, logger: logger, schema: schema)
    case .postgres(let url):
        var location = try PostgresLocation(url: url)
        location.stalledTransactionSeconds = stalledTransactionSeconds
        return try await PostgresStore.open(location, logger: logger, schema: schema)
    }
}

/// Closes a store opened by ``openStore(_:logger:schema:)``. Closing twice does nothing.
func closeStore(_ store: any EngineStore) async throws {
    switch store {
    case let sqlite as SQLiteStore: try await sqlite.close()
    case let postgres as PostgresStore: await postgres.close()
    default: break
    }
}

import Foundation
import Logging
import TrainyardCore
import TrainyardEngine
import TrainyardForges
import TrainyardHTTP
import TrainyardStore
import TrainyardTesting

@testable import trainyard

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A running Trainyard (real HTTP, real SQLite file, real git) wired to a running fake GitLab
/// (real HTTP, real bare repositories), both on loopback.
final class ServiceHarness: Sendable {
    static let webhookSecret = "webhook-secret-for-tests"
    static let apiToken = "api-token-for-tests"
    static let project = "group/app"

    let root: URL
    let gitlab: FakeGitLab
    let config: TrainyardConfig
    let port: Int
    let runner: GracefulRunner
    let store: any EngineStore

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private init(
        root: URL, gitlab: FakeGitLab, config: TrainyardConfig, port: Int, runner: GracefulRunner,
        store: any EngineStore
    ) {
        self.root = root
        self.gitlab = gitlab
        self.config = config
        self.port = port
        self.runner = runner
        self.store = store
    }

    /// Starts the fake GitLab with project `group/app` (holding `files` on `main`) and a Trainyard
    /// configured for it, with the webhook registered.
    static func start(
        files: [String: String] = ["README.md": "hello\n"], maxParallel: Int = 8, planner: PlannerKind = .adaptive,
        plannerSettings: PlannerSettings = PlannerSettings(),
        policy: (@Sendable (FakeCIJob) -> FakePipelineOutcome?)? = nil, otherProjects: [String] = [],
        connections: ConnectionLimits = ConnectionLimits(), chatops: ChatOpsSettings = ChatOpsSettings(),
        logSink: (@Sendable (String) -> Void)? = nil, adjust: (inout TrainyardConfig) -> Void = { _ in }
    ) async throws -> ServiceHarness {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let gitlab = FakeGitLab(root: root.appendingPathComponent("gitlab"))
        // A harness that fails to start stops what it started.
        do {
            try await gitlab.start()
            if let policy { await gitlab.setCIPolicy(policy) }
            let project = try await gitlab.createProject(path: Self.project, files: files)
            let token = await gitlab.token
            var config = TrainyardConfig()
            config.listen = .init(host: "127.0.0.1", port: 0)
            config.storage = .sqlite(path: root.appendingPathComponent("trainyard/trainyard.db").path)
            config.apiTokens = [Self.apiToken]
            config.connections = connections
            config.chatops = chatops
            config.forges = [
                "gitlab": .init(
                    name: "gitlab", kind: "gitlab", url: gitlab.baseURL, token: token, webhookSecret: Self.webhookSecret
                )
            ]
            config.projects = [
                .init(
                    forge: "gitlab", path: Self.project, targets: ["main"], gitURL: project.gitURL.absoluteString,
                    maxParallel: maxParallel)
            ]
            config.projects[0].planner = planner
            config.projects[0].plannerSettings = plannerSettings
            for path in otherProjects {
                let other = try await gitlab.createProject(path: path, files: files)
                var settings = config.projects[0]
                settings.path = path
                settings.gitURL = other.gitURL.absoluteString
                config.projects.append(settings)
            }
            adjust(&config)
            let (port, runner, store) = try await launch(config, logSink: logSink)
            config.listen.port = port
            for path in [Self.project] + otherProjects {
                await gitlab.addWebhook(
                    project: path, url: URL(string: "http://127.0.0.1:\(port)/webhooks/gitlab")!,
                    token: Self.webhookSecret)
            }
            return ServiceHarness(root: root, gitlab: gitlab, config: config, port: port, runner: runner, store: store)
        } catch {
            await gitlab.stop()
            try? FileManager.default.removeItem(at: root)
            throw error
        }
    }

    /// Runs the service described by `config`; returns the port it listens on.
    /// With `logSink`, every line at debug level and above goes there as `log_format: json` writes it.
    static func launch(_ config: TrainyardConfig, logSink: (@Sendable (String) -> Void)? = nil) async throws -> (
        Int, GracefulRunner, any EngineStore
    ) {
        var logger = Logger(label: "trainyard-e2e")
        logger.logLevel =
            ProcessInfo.processInfo.environment["TRAINYARD_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) }
            ?? .critical
        if let logSink {
            logger = Logger(label: "trainyard-e2e") { label in
                JSONLogHandler(label: label, metadataProvider: LogContext.metadataProvider, write: logSink)
            }
            logger.logLevel = .debug
        }
        let service = try await TrainyardService(config: config, logger: logger)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = service.application { port in continuation.yield(port) }
        let runner = GracefulRunner(app, logger: logger)
        Task {
            _ = try? await runner.value(); continuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HarnessError("the service did not start") }
        return (port, runner, service.store)
    }

    /// Stops the service (not the fake GitLab) and starts a new one on the same database, git
    /// mirrors and port, as a restart of the process would.
    func restarted() async throws -> ServiceHarness {
        await runner.stop()
        try await closeStore(store)
        let (port, runner, store) = try await Self.launch(config)
        return ServiceHarness(root: root, gitlab: gitlab, config: config, port: port, runner: runner, store: store)
    }

    /// Stops the service and starts it again with `config` (its schedules, its clock) on the same
    /// database, git mirrors and fake GitLab.
    func restarted(with config: TrainyardConfig) async throws -> ServiceHarness {
        await runner.stop()
        try await closeStore(store)
        var config = config
        config.listen.port = port
        let (port, runner, store) = try await Self.launch(config)
        return ServiceHarness(root: root, gitlab: gitlab, config: config, port: port, runner: runner, store: store)
    }

    /// Starts a harness as ``start(files:maxParallel:planner:policy:)`` does, runs `body` with it,
    /// and stops it afterwards, whether `body` threw or not.
    static func run(
        files: [String: String] = ["README.md": "hello\n"], maxParallel: Int = 8, planner: PlannerKind = .adaptive,
        plannerSettings: PlannerSettings = PlannerSettings(),
        policy: (@Sendable (FakeCIJob) -> FakePipelineOutcome?)? = nil,
        connections: ConnectionLimits = ConnectionLimits(),
        _ body: (ServiceHarness) async throws -> Void
    ) async throws {
        try await start(
            files: files, maxParallel: maxParallel, planner: planner, plannerSettings: plannerSettings, policy: policy,
            connections: connections
        ).running(body)
    }

    /// Runs `body` with this harness and stops it afterwards, whether `body` threw or not.
    func running(_ body: (ServiceHarness) async throws -> Void) async throws {
        do {
            try await body(self)
        } catch {
            await stop()
            throw error
        }
        await stop()
    }

    /// Stops the service and the fake GitLab and deletes their files. Stopping twice is harmless.
    func stop() async {
        await runner.stop()
        await gitlab.stop()
        try? await closeStore(store)
        try? FileManager.default.removeItem(at: root)
    }

    /// Opens a merge request that adds or changes `files`.
    func openMergeRequest(_ branch: String, _ files: [String: String]) async throws -> Int {
        try await gitlab.createMergeRequest(
            project: Self.project, sourceBranch: branch, title: "Change \(branch)", files: files)
    }

    func mergeRequest(_ iid: Int) async -> FakeMergeRequest? {
        await gitlab.mergeRequest(project: Self.project, iid: iid)
    }

    /// Waits until the merge request is in `state`.
    func waitFor(_ iid: Int, state: String, timeout: Duration = .seconds(60)) async throws {
        let gitlab = gitlab
        try await waitUntil(timeout: timeout) {
            await gitlab.mergeRequest(project: Self.project, iid: iid)?.state == state
        }
    }

    /// Waits until some note on the merge request contains `text`.
    func waitForNote(_ iid: Int, containing text: String, timeout: Duration = .seconds(60)) async throws {
        let gitlab = gitlab
        try await waitUntil(timeout: timeout) {
            await gitlab.mergeRequest(project: Self.project, iid: iid)?.notes.contains { $0.contains(text) } == true
        }
    }

    /// Sends an HTTP request to Trainyard.
    func request(
        _ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil
    ) async throws -> (status: Int, json: [String: Any]) {
        var request = URLRequest(url: URL(string: "\(baseURL.absoluteString)/\(path)")!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let (data, response) = try await URLSession.shared.uncancellableData(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, json)
    }

    /// The commits on the target's first-parent line since `base`, newest first.
    func targetCommits(since base: String) async -> [String] {
        let line = await gitlab.firstParents(project: Self.project, branch: "main")
        return Array(line.prefix { $0 != base })
    }

    /// Every head `main` was pushed to, oldest first, from the Push Hooks the fake delivered.
    func targetPushes() async -> [String] {
        await gitlab.deliveries().filter { $0.event == "Push Hook" }.compactMap { delivery -> String? in
            guard let json = try? delivery.json(), json["ref"] as? String == "refs/heads/main" else { return nil }
            return json["after"] as? String
        }
    }

    /// Whether a pipeline Trainyard created for `sha` passed.
    func passedPipeline(for sha: String) async -> Bool {
        await gitlab.pipelines(project: Self.project).contains {
            $0.sha == sha && $0.status == "success" && $0.source == "api"
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

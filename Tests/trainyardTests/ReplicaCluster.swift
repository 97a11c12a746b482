import Foundation
import Testing
import TrainyardTesting

#if canImport(Glibc)
    import Glibc
#endif

/// Three replicas of the real binary on loopback sharing one PostgreSQL database and the fake
/// GitLab, with three projects of one `main` train each. Every project's webhooks go to all three
/// replicas (one webhook each), as retries through a load balancer would. Used by the replica
/// battery and the rolling-restart test.
final class ReplicaCluster {
    static let secret = "replica-test-webhook-secret"
    static let apiToken = "replica-test-api-token"
    static let projects = ["group/one", "group/two", "group/three"]
    static let leaseSeconds = 3

    let root: URL
    let gitlab: FakeGitLab
    let database: String
    let ports: [Int]
    let configs: [String]
    let logs: [String]
    /// Added to every replica's environment (a test clock).
    let environment: [String: String]
    var replicas: [TrainyardProcess]
    /// The merge requests made, per project.
    private(set) var iids: [String: [Int]] = [:]

    private init(
        root: URL, gitlab: FakeGitLab, database: String, ports: [Int], configs: [String], logs: [String],
        environment: [String: String]
    ) {
        self.environment = environment
        self.root = root
        self.gitlab = gitlab
        self.database = database
        self.ports = ports
        self.configs = configs
        self.logs = logs
        replicas = (0..<ports.count).map {
            TrainyardProcess.start(config: configs[$0], log: logs[$0], environment: environment)
        }
    }

    /// Starts the fake GitLab, a fresh database and `count` serving replicas (with
    /// `extraConfiguration` appended to their configuration files and `environment` added to
    /// theirs), and makes `total` merge requests spread over the projects.
    static func start(
        mergeRequests total: Int, name: String, replicas count: Int = 3, extraConfiguration: String = "",
        environment: [String: String] = [:]
    ) async throws -> ReplicaCluster {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-\(name)-\(UUID())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let gitlab = FakeGitLab(root: root.appendingPathComponent("gitlab"), webhookTimeout: 2)
        try await gitlab.start()
        var repositories: [String: String] = [:]
        for project in projects {
            repositories[project] = try await gitlab.createProject(path: project, files: ["README.md": "hi\n"]).gitURL
                .absoluteString
        }
        let database = try await PostgresTestServer.newDatabase()
        let base = FreePort.pick(count: count)
        let ports = (0..<count).map { base + $0 }
        var configs: [String] = []
        for (index, port) in ports.enumerated() {
            let config = root.appendingPathComponent("replica-\(index).yml").path
            try
                (configuration(
                    port: port, database: database, git: root.appendingPathComponent("git-\(index)").path,
                    gitlab: gitlab.baseURL.absoluteString, token: await gitlab.token, repositories: repositories
                ) + extraConfiguration).write(toFile: config, atomically: true, encoding: .utf8)
            configs.append(config)
        }
        let logs = (0..<count).map { root.appendingPathComponent("replica-\($0).log").path }
        let cluster = ReplicaCluster(
            root: root, gitlab: gitlab, database: database, ports: ports, configs: configs, logs: logs,
            environment: environment)
        for port in ports { try await ForgeAudit.waitUntilServing(port) }
        for project in projects {
            for port in ports {
                await gitlab.addWebhook(
                    project: project, url: URL(string: "http://127.0.0.1:\(port)/webhooks/gitlab")!, token: secret)
            }
        }
        for index in 0..<total {
            let project = projects[index % projects.count]
            cluster.iids[project, default: []].append(
                try await gitlab.createMergeRequest(
                    project: project, sourceBranch: "c\(index)", title: "C\(index)",
                    files: ["c\(index).txt": "\(index)\n"]))
        }
        return cluster
    }

    /// Comments `/merge` on every merge request, project by project, in the background.
    func queueAll() -> Task<Void, Never> {
        queue(reserve: 0, reserved: false)
    }

    /// Queues every merge request but the last `reserve` of each project, or (`reserved`) only
    /// those: a test holds some back so that the trains still have work after a while.
    func queue(reserve: Int, reserved: Bool) -> Task<Void, Never> {
        let gitlab = gitlab
        let queued = iids.map { project, numbers in
            (project, reserved ? Array(numbers.suffix(reserve)) : Array(numbers.dropLast(reserve)))
        }
        return Task {
            for (project, numbers) in queued {
                for iid in numbers { await gitlab.comment(project: project, iid: iid, body: "/merge") }
            }
        }
    }

    /// The merge requests neither merged nor removed yet.
    func unfinished() async -> [Int] {
        var left: [Int] = []
        for (project, numbers) in iids { left += await ForgeAudit.unfinished(gitlab, project, numbers) }
        return left
    }

    /// Restarts replica `index` with the same configuration and waits until it serves.
    func restart(_ index: Int) async throws {
        replicas[index] = TrainyardProcess.start(config: configs[index], log: logs[index], environment: environment)
        try await ForgeAudit.waitUntilServing(ports[index])
    }

    /// The checks after a run: every merge request finished and audited on the fake GitLab, every
    /// stored delivery applied, every replica stops on SIGTERM.
    func audit(notesMayRepeat: Bool) async throws {
        for (project, numbers) in iids {
            #expect(await ForgeAudit.unfinished(gitlab, project, numbers).isEmpty, "\(project) did not finish")
            try await ForgeAudit.check(
                gitlab, project, iids: numbers, port: ports[0], token: Self.apiToken, event: false,
                notesMayRepeat: notesMayRepeat)
        }
        // Deliveries that came after the last landing (the merge's own hooks) are applied too.
        let unappliedQuery = """
            SELECT id::text, owner, kind, attempts::text, last_error FROM inbox WHERE finished_at IS NULL
            """
        let database = database
        try? await waitUntil(timeout: .seconds(60)) {
            try await PostgresTestServer.rows(database, unappliedQuery).isEmpty
        }
        let unapplied = try await PostgresTestServer.rows(database, unappliedQuery)
        #expect(unapplied.isEmpty, "stored deliveries left unapplied: \(unapplied)")
        for (index, replica) in replicas.enumerated() {
            #expect(await replica.terminate(within: .seconds(30)), "replica \(index) did not stop on SIGTERM")
        }
    }

    /// Leaves nothing running behind a failed test: resumes and kills every replica.
    func abandon() async {
        for replica in replicas {
            if let pid = replica.pid { kill(pid, SIGCONT) }
            await replica.stop(SIGKILL)
        }
        await gitlab.stop()
    }

    /// Stops the fake GitLab and deletes the folder (after ``audit(notesMayRepeat:)``).
    func finish() async {
        await gitlab.stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// The owners whose live lease the replica with process id `pid` holds.
    func owners(heldBy pid: pid_t) async throws -> [String] {
        try await PostgresTestServer.rows(
            database,
            "SELECT owner FROM leases WHERE holder LIKE '%-\(pid)-%' AND expires_at > clock_timestamp()"
        ).compactMap { $0.first ?? nil }
    }

    /// Waits until another replica holds each of `owners` (or nobody needs it any more).
    func waitForHandover(of owners: [String], from pid: pid_t) async throws {
        guard !owners.isEmpty else { return }
        let list = owners.map { "'\($0)'" }.joined(separator: ",")
        let database = database
        try await waitUntil(timeout: .seconds(120)) {
            let stale = try await PostgresTestServer.rows(
                database,
                """
                SELECT l.owner FROM leases l WHERE l.owner IN (\(list)) AND l.holder LIKE '%-\(pid)-%'
                AND EXISTS (SELECT 1 FROM timers t WHERE t.owner = l.owner
                    UNION SELECT 1 FROM outbox o WHERE o.train = l.owner AND o.finished_at IS NULL)
                """)
            return stale.isEmpty
        }
    }

    static func configuration(
        port: Int, database: String, git: String, gitlab: String, token: String, repositories: [String: String]
    ) -> String {
        var text = """
            listen: 127.0.0.1:\(port)
            storage: \(database)
            lease_seconds: \(leaseSeconds)
            git_dir: \(git)
            forges:
              gitlab:
                kind: gitlab
                url: \(gitlab)
                token: \(token)
                webhook_secret: \(secret)
            api:
              tokens: [\(apiToken)]
            projects:

            """
        for project in projects {
            text += """
                  - forge: gitlab
                    path: \(project)
                    targets: [main]
                    git_url: \(repositories[project] ?? "")
                    max_parallel: 4

                """
        }
        return text
    }
}

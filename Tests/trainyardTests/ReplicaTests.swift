import Foundation
import Testing
import TrainyardTesting

#if canImport(Glibc)
    import Glibc
#endif

/// Three replicas of the real binary on loopback sharing one PostgreSQL and the fake GitLab,
/// while one of them is SIGKILLed (and started again) or SIGSTOPped (and resumed) every few
/// seconds. Every delivery goes to all three (one webhook each), as retries through a load
/// balancer would. Afterwards: no merge request merged twice, no untested commit landed, every
/// merge request landed or removed with a reason, nothing done twice; the hand-over times of the
/// trains a stopped replica held are printed.
///
/// `TRAINYARD_REPLICA_MERGE_REQUESTS` (default 102, over 3 trains) makes it larger.
///
/// Known issue, recorded with `withKnownIssue` rather than hidden: before the take-over wait
/// (ADR 3), one note (a single outbox row) was posted twice across replicas in about one run in
/// four. Until enough runs show it gone, a repeat is recorded as that issue, with the requests
/// that made it printed.
@Suite(.serialized)
struct ReplicaTests {
    static let secret = "replica-test-webhook-secret"
    static let apiToken = "replica-test-api-token"
    static let projects = ["group/one", "group/two", "group/three"]
    static let leaseSeconds = 3

    @Test func threeReplicasUnderKillsAndPausesLandEachMergeRequestOnce() async throws {
        let total = ProcessInfo.processInfo.environment["TRAINYARD_REPLICA_MERGE_REQUESTS"].flatMap(Int.init) ?? 102
        var random = SplitMix(seed: 7)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-replicas-\(UUID())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let gitlab = FakeGitLab(root: root.appendingPathComponent("gitlab"), webhookTimeout: 2)
        try await gitlab.start()
        var repositories: [String: String] = [:]
        for project in Self.projects {
            repositories[project] = try await gitlab.createProject(path: project, files: ["README.md": "hi\n"]).gitURL
                .absoluteString
        }
        let database = try await PostgresTestServer.newDatabase()
        let base = Int.random(in: 20_000..<50_000)
        let ports = [base, base + 1, base + 2]
        var configs: [String] = []
        for (index, port) in ports.enumerated() {
            let config = root.appendingPathComponent("replica-\(index).yml").path
            try Self.configuration(
                port: port, database: database, git: root.appendingPathComponent("git-\(index)").path,
                gitlab: gitlab.baseURL.absoluteString, token: await gitlab.token, repositories: repositories
            ).write(toFile: config, atomically: true, encoding: .utf8)
            configs.append(config)
        }
        let logs = (0..<3).map { root.appendingPathComponent("replica-\($0).log").path }
        var replicas = (0..<3).map { TrainyardProcess.start(config: configs[$0], log: logs[$0]) }
        for port in ports { try await ForgeAudit.waitUntilServing(port) }
        for project in Self.projects {
            for port in ports {
                await gitlab.addWebhook(
                    project: project, url: URL(string: "http://127.0.0.1:\(port)/webhooks/gitlab")!, token: Self.secret)
            }
        }
        var iids: [String: [Int]] = [:]
        for index in 0..<total {
            let project = Self.projects[index % Self.projects.count]
            iids[project, default: []].append(
                try await gitlab.createMergeRequest(
                    project: project, sourceBranch: "c\(index)", title: "C\(index)",
                    files: ["c\(index).txt": "\(index)\n"]))
        }
        let queued = iids
        let workload = Task {
            for (project, numbers) in queued {
                for iid in numbers { await gitlab.comment(project: project, iid: iid, body: "/merge") }
            }
        }
        var handovers: [Duration] = []
        var events: [String] = []
        let deadline = ContinuousClock.now.advanced(by: .seconds(600))
        do {
            while ContinuousClock.now < deadline {
                var left: [Int] = []
                for (project, numbers) in queued { left += await ForgeAudit.unfinished(gitlab, project, numbers) }
                if left.isEmpty { break }
                try await Task.sleep(for: .milliseconds(1_500 + Int(random.next() % 2_000)))
                let victim = Int(random.next() % 3)
                guard let pid = replicas[victim].pid else { continue }
                let held = try await Self.owners(heldBy: pid, in: database)
                let stopped = ContinuousClock.now
                if random.next() % 2 == 0 {
                    events.append("kill \(victim)")
                    await replicas[victim].stop(SIGKILL)
                    try await Self.waitForHandover(of: held, from: pid, in: database)
                    if !held.isEmpty { handovers.append(ContinuousClock.now - stopped) }
                    replicas[victim] = TrainyardProcess.start(config: configs[victim], log: logs[victim])
                    try await ForgeAudit.waitUntilServing(ports[victim])
                } else {
                    events.append("pause \(victim)")
                    kill(pid, SIGSTOP)
                    try await Self.waitForHandover(of: held, from: pid, in: database)
                    if !held.isEmpty { handovers.append(ContinuousClock.now - stopped) }
                    kill(pid, SIGCONT)
                }
                await ForgeAudit.redeliverUnacknowledged(gitlab)
            }
        } catch {
            // Leave no replica running (or stopped) behind a failed test.
            for replica in replicas {
                if let pid = replica.pid { kill(pid, SIGCONT) }
                await replica.stop(SIGKILL)
            }
            workload.cancel()
            await gitlab.stop()
            throw error
        }
        await workload.value
        for (project, numbers) in queued {
            #expect(await ForgeAudit.unfinished(gitlab, project, numbers).isEmpty, "\(project) did not finish")
            try await ForgeAudit.check(
                gitlab, project, iids: numbers, port: ports[0], token: Self.apiToken, event: false,
                notesMayRepeat: true)
        }
        // Deliveries that came after the last landing (the merge's own hooks) are applied too.
        let unappliedQuery = """
            SELECT id::text, owner, kind, attempts::text, last_error FROM inbox WHERE finished_at IS NULL
            """
        try? await waitUntil(timeout: .seconds(60)) {
            try await PostgresTestServer.rows(database, unappliedQuery).isEmpty
        }
        let unapplied = try await PostgresTestServer.rows(database, unappliedQuery)
        #expect(unapplied.isEmpty, "stored deliveries left unapplied: \(unapplied)")
        for (index, replica) in replicas.enumerated() {
            #expect(await replica.terminate(within: .seconds(30)), "replica \(index) did not stop on SIGTERM")
        }
        await gitlab.stop()
        let sorted = handovers.sorted()
        let median = sorted.isEmpty ? .zero : sorted[sorted.count / 2]
        print(
            "replicas: \(total) merge requests over 3 trains, \(events.count) disruptions "
                + "(\(events.filter { $0.hasPrefix("kill") }.count) kills), hand-overs: \(sorted.count), "
                + "median \(median), max \(sorted.last ?? .zero) with \(Self.leaseSeconds) s leases")
        try? FileManager.default.removeItem(at: root)
    }

    /// The owners whose live lease the replica with process id `pid` holds.
    static func owners(heldBy pid: pid_t, in database: String) async throws -> [String] {
        try await PostgresTestServer.rows(
            database,
            "SELECT owner FROM leases WHERE holder LIKE '%-\(pid)-%' AND expires_at > clock_timestamp()"
        ).compactMap { $0.first ?? nil }
    }

    /// Waits until another replica holds each of `owners` (or nobody needs it any more).
    static func waitForHandover(of owners: [String], from pid: pid_t, in database: String) async throws {
        guard !owners.isEmpty else { return }
        let list = owners.map { "'\($0)'" }.joined(separator: ",")
        try await waitUntil(timeout: .seconds(60)) {
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

import Foundation
import Testing
import TrainyardTesting

#if canImport(Glibc)
    import Glibc
#endif
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The real binary under a stream of webhooks, SIGKILLed at random moments and started again, on
/// SQLite and on PostgreSQL. Afterwards the fake GitLab's own log must show that nothing
/// acknowledged was lost and nothing was done twice.
///
/// `TRAINYARD_CRASH_KILLS` (default 20), `TRAINYARD_CRASH_MERGE_REQUESTS` (default 8) and
/// `TRAINYARD_CRASH_SEED` (default 1) make the battery larger or different.
@Suite(.serialized)
struct CrashTests {
    enum Storage: String, CaseIterable, Sendable { case sqlite, postgres }

    static let secret = "crash-test-webhook-secret"
    static let project = "group/app"
    static let apiToken = "crash-test-api-token"

    static func setting(_ name: String, _ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? fallback
    }

    @Test(arguments: Storage.allCases)
    func killedAtRandomMomentsItLosesNothingAndDoesNothingTwice(storage: Storage) async throws {
        let kills = Self.setting("TRAINYARD_CRASH_KILLS", 20)
        let count = Self.setting("TRAINYARD_CRASH_MERGE_REQUESTS", 8)
        var random = SplitMix(seed: UInt64(Self.setting("TRAINYARD_CRASH_SEED", 1)))
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-crash-\(UUID())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let gitlab = FakeGitLab(root: root.appendingPathComponent("gitlab"))
        try await gitlab.start()
        let repository = try await gitlab.createProject(path: Self.project, files: ["README.md": "hello\n"])
        let port = FreePort.pick()
        let location: String
        switch storage {
        case .sqlite: location = "sqlite:\(root.path)/trainyard/trainyard.db"
        case .postgres: location = try await PostgresTestServer.newDatabase()
        }
        let config = root.appendingPathComponent("trainyard.yml").path
        try """
        listen: 127.0.0.1:\(port)
        storage: \(location)
        git_dir: \(root.path)/git
        forges:
          gitlab:
            kind: gitlab
            url: \(gitlab.baseURL.absoluteString)
            token: \(await gitlab.token)
            webhook_secret: \(Self.secret)
        api:
          tokens: [\(Self.apiToken)]
        projects:
          - forge: gitlab
            path: \(Self.project)
            targets: [main]
            git_url: \(repository.gitURL.absoluteString)
            max_parallel: 4
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let log = root.appendingPathComponent("trainyard.log").path
        var process = TrainyardProcess.start(config: config, log: log)
        try await ForgeAudit.waitUntilServing(port)
        await gitlab.addWebhook(
            project: Self.project, url: URL(string: "http://127.0.0.1:\(port)/webhooks/gitlab")!, token: Self.secret)

        var iids: [Int] = []
        for index in 0..<count {
            iids.append(
                try await gitlab.createMergeRequest(
                    project: Self.project, sourceBranch: "change-\(index)", title: "Change \(index)",
                    files: ["change-\(index).txt": "\(index)\n"]))
        }
        let gaps = (0..<count).map { _ in Int(random.next() % 400) }
        let opened = iids
        let workload = Task {
            for (iid, gap) in zip(opened, gaps) {
                await gitlab.comment(project: Self.project, iid: iid, body: "/merge")
                try? await Task.sleep(for: .milliseconds(gap))
            }
        }
        for _ in 0..<kills {
            try await Task.sleep(for: .milliseconds(150 + Int(random.next() % 1_000)))
            await process.stop(SIGKILL)
            process = TrainyardProcess.start(config: config, log: log)
            try await ForgeAudit.waitUntilServing(port)
            await ForgeAudit.redeliverUnacknowledged(gitlab)
        }
        await workload.value
        let queued = iids
        do {
            try await waitUntil(timeout: .seconds(300)) {
                await ForgeAudit.redeliverUnacknowledged(gitlab)
                return await ForgeAudit.unfinished(gitlab, Self.project, queued).isEmpty
            }
        } catch {
            let left = await ForgeAudit.unfinished(gitlab, Self.project, iids)
            Issue.record("merge requests neither landed nor removed: \(left); log in \(log)")
        }
        try await ForgeAudit.check(gitlab, Self.project, iids: iids, port: port, token: Self.apiToken)
        #expect(await process.terminate(within: .seconds(30)), "SIGTERM stops the service")
        let stopLog = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(!stopLog.contains("CancellationError"), "a graceful stop logs no error")
        await gitlab.stop()
        try? FileManager.default.removeItem(at: root)
        let deliveries = await gitlab.deliveries()
        let lost = deliveries.filter { ($0.statusCode ?? 0) / 100 != 2 }.count
        let resent = deliveries.filter(\.isRedelivery).count
        let landed = await gitlab.mergeRequests(project: Self.project).filter { $0.state == "merged" }.count
        print(
            "crash test (\(storage)): \(kills) kills, \(count) merge requests (\(landed) landed), "
                + "\(deliveries.count) webhook requests, \(lost) unanswered, \(resent) resent")
    }
}

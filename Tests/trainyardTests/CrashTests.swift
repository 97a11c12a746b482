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
        let port = Int.random(in: 20_000..<60_000)
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
        try await Self.waitUntilServing(port)
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
            try await Self.waitUntilServing(port)
            await Self.redeliverUnacknowledged(gitlab)
        }
        await workload.value
        let queued = iids
        do {
            try await waitUntil(timeout: .seconds(300)) {
                await Self.redeliverUnacknowledged(gitlab)
                return await Self.unfinished(gitlab, queued).isEmpty
            }
        } catch {
            let left = await Self.unfinished(gitlab, iids)
            Issue.record("merge requests neither landed nor removed: \(left); log in \(log)")
        }
        try await Self.check(gitlab, iids: iids, port: port)
        await process.stop(SIGTERM)
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

    /// Merge requests that are neither merged nor removed with a reason.
    static func unfinished(_ gitlab: FakeGitLab, _ iids: [Int]) async -> [Int] {
        var left: [Int] = []
        for iid in iids {
            guard let request = await gitlab.mergeRequest(project: project, iid: iid) else { continue }
            let removed = request.notes.contains { $0.contains("Removed from the merge train") }
            if request.state != "merged" && !removed { left.append(iid) }
        }
        return left
    }

    /// Sends again, as GitLab's "Resend request" does (same event UUID), every delivery that never
    /// got a 2xx answer: it was sent while Trainyard was down or cut off by a kill.
    static func redeliverUnacknowledged(_ gitlab: FakeGitLab) async {
        let deliveries = await gitlab.deliveries()
        let acknowledged = Set(deliveries.filter { ($0.statusCode ?? 0) / 100 == 2 }.map(\.uuid))
        var sent: Set<String> = []
        for delivery in deliveries where !acknowledged.contains(delivery.uuid) && !sent.contains(delivery.uuid) {
            sent.insert(delivery.uuid)
            await gitlab.redeliver(delivery)
        }
    }

    /// What the fake GitLab's own records must show.
    static func check(_ gitlab: FakeGitLab, iids: [Int], port: Int) async throws {
        // No note twice: every note carries the key of the action that posted it.
        var keys: [String: Int] = [:]
        for iid in iids {
            for note in await gitlab.mergeRequest(project: project, iid: iid)?.notes ?? [] {
                guard let range = note.range(of: "<!-- trainyard:") else { continue }
                keys[String(note[range.lowerBound...]), default: 0] += 1
            }
        }
        let repeated = keys.filter { $0.value > 1 }
        #expect(repeated.isEmpty, "notes posted twice: \(repeated)")
        for iid in iids {
            let notes = await gitlab.mergeRequest(project: project, iid: iid)?.notes ?? []
            #expect(notes.filter { $0.contains("Merged !\(iid) into") }.count <= 1, "!\(iid) merged twice")
        }
        // No pipeline created twice for one car: at most one per car branch and commit.
        let pipelines = await gitlab.pipelines(project: project).filter { $0.source == "api" }
        let perCar = Dictionary(grouping: pipelines) { "\($0.ref)@\($0.sha)" }.filter { $0.value.count > 1 }
        #expect(perCar.isEmpty, "pipelines created twice: \(perCar.keys.sorted())")
        // No landing twice, and only tested commits land.
        let landings = await gitlab.deliveries().filter { $0.event == "Push Hook" }.compactMap {
            delivery -> String? in
            guard let json = try? JSONSerialization.jsonObject(with: delivery.body) as? [String: Any],
                json["ref"] as? String == "refs/heads/main"
            else { return nil }
            return json["after"] as? String
        }
        let line = await gitlab.firstParents(project: project, branch: "main")
        var merged = 0
        for iid in iids where await gitlab.mergeRequest(project: project, iid: iid)?.state == "merged" { merged += 1 }
        #expect(Set(landings).count <= merged, "more landings than merged merge requests")
        for commit in Set(landings) {
            #expect(line.contains(commit), "main moved to \(commit) and then away from it")
            #expect(
                pipelines.contains { $0.sha == commit && $0.status == "success" },
                "main moved to \(commit) without a passing pipeline")
        }
        // Every acknowledged delivery was applied: each has an outcome in the event log.
        let acknowledged = Set(await gitlab.deliveries().filter { $0.statusCode == 202 }.map(\.uuid))
        let recorded = try await Self.deliveryOutcomes(port: port)
        for uuid in acknowledged {
            #expect(recorded[uuid] != nil, "acknowledged delivery \(uuid) is not in the inbox")
            #expect(recorded[uuid] ?? nil != nil, "acknowledged delivery \(uuid) was never applied")
        }
    }

    /// Outcomes by delivery key (the event UUID), from `GET /api/v1/deliveries`.
    static func deliveryOutcomes(port: Int) async throws -> [String: String?] {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/deliveries?limit=500")!)
        request.setValue("Bearer \(apiToken)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.uncancellableData(for: request)
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let rows = json?["deliveries"] as? [[String: Any]] ?? []
        #expect(rows.count < 500, "more deliveries than one page of the event log holds; check fewer")
        var outcomes: [String: String?] = [:]
        for row in rows {
            guard let key = row["key"] as? String else { continue }
            outcomes[key] = row["outcome"] as? String
        }
        return outcomes
    }

    static func waitUntilServing(_ port: Int) async throws {
        let url = URL(string: "http://127.0.0.1:\(port)/readyz")!
        try await waitUntil(timeout: .seconds(60)) {
            var request = URLRequest(url: url, timeoutInterval: 2)
            request.httpMethod = "GET"
            let answer = try? await URLSession.shared.uncancellableData(for: request)
            return (answer?.1 as? HTTPURLResponse)?.statusCode == 200
        }
    }
}

/// A small seeded generator, so that a failing run can be repeated.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49EB_D311_3B4A
        return z ^ (z >> 31)
    }
}

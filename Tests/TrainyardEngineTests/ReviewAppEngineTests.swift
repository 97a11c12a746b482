import Foundation
import Logging
import Synchronization
import Testing
import TrainyardBrowser
import TrainyardCore
import TrainyardEngine
import TrainyardStore
import TrainyardTesting

/// Review apps in the engine with a real SQLite store, a test clock, real headless Chromium
/// against a local app, and a forge double that keeps pipelines, environments, statuses and the
/// note: deploy after the debounce, browser check and report, a changed look caught on the next
/// push, stop on merge, the TTL under the test clock, and the sweeper's orphans.
@Suite(.serialized)
struct ReviewAppEngineTests {
    static let key = ProjectKey(forge: "gitlab", path: "group/app")

    struct World {
        let engine: TrainEngine
        let store: SQLiteStore
        let forge: ReviewAppForgeDouble
        let clock: TrainEngineTests.Clock
        let checker: BrowserCheck
        let app: FakeReviewApp
        let artifacts: String

        /// Moves the clock on and does everything due, as the drivers would.
        func after(seconds: Int64) async throws {
            clock.advance(seconds: seconds)
            try await engine.drain()
            try await engine.tickWakeups(now: clock.value)
            try await engine.drain()
        }

        func open(_ number: Int, head: Character, state: String = "opened", action: MergeRequestEvent.Action = .open)
            async throws
        {
            let sha = SHA(String(repeating: head, count: 40))
            await forge.setMergeRequest(
                MergeRequestInfo(
                    number: number, title: "MR \(number)", state: state, head: sha, sourceBranch: "feature-\(number)",
                    target: "main"))
            _ = try await engine.accept(
                Delivery(
                    source: "gitlab", key: UUID().uuidString, kind: "Merge Request Hook",
                    event: .mergeRequest(
                        MergeRequestEvent(
                            project: ReviewAppEngineTests.key, number: number, action: action, head: sha,
                            target: "main", state: state))))
            try await engine.drain()
        }

        /// The newest pipeline for merge request `number` with `action`.
        func pipeline(_ number: Int, _ action: String) async -> ReviewAppForgeDouble.Pipeline? {
            await forge.pipelines.last {
                $0.variables[ReviewAppVariables.slug] == "mr-\(number)"
                    && $0.variables[ReviewAppVariables.action] == action
            }
        }

        func close() async throws {
            await checker.close()
            await app.stop()
            try await store.close()
        }
    }

    static func world(template: Bool = true, waitSeconds: Int = 120, baseline: String? = nil) async throws -> World {
        let executable = try #require(Chromium.find(), Comment(rawValue: Chromium.missing(nil)))
        let app = FakeReviewApp()
        try await app.start()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("review-apps-\(UUID().uuidString)")
        let store = try await SQLiteStore.open(
            path: root.appendingPathComponent("t.db").path, logger: Logger(label: "test"))
        let clock = TrainEngineTests.Clock()
        let forge = ReviewAppForgeDouble()
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let checker = BrowserCheck(settings: BrowserCheck.Settings(executable: executable), logger: logger)
        var settings = ReviewAppSettings(
            // Every merge request's app is the one local app (the template has no {iid}).
            urlTemplate: template ? await app.url("") : nil,
            ttlHours: 72, maxApps: 10, debounceSeconds: 60,
            checks: [.init(path: "/", expectStatus: 200, expectSelector: "#app")])
        settings.waitSeconds = waitSeconds
        settings.baselineURL = baseline
        let project = ProjectSettings(
            key: key, targets: ["main"], gitURL: "file:///nowhere", train: TrainSettings(), reviewApps: settings)
        let artifacts = root.appendingPathComponent("artifacts").path
        let engine = TrainEngine(
            store: store, git: RecordingPorts(), forges: ["gitlab": forge], projects: [project],
            clock: { clock.value }, logger: logger,
            reviewApps: ReviewAppServices(
                browser: checker, artifacts: artifacts, link: { "https://trainyard/s/\($0.count)" }))
        try await engine.wakeReviewApps()
        try await engine.tickWakeups(now: clock.value)
        return World(
            engine: engine, store: store, forge: forge, clock: clock, checker: checker, app: app, artifacts: artifacts)
    }

    @Test func aMergeRequestIsDeployedCheckedReportedAndStoppedOnMerge() async throws {
        let world = try await Self.world()
        do {
            try await world.open(12, head: "a")
            #expect(await world.pipeline(12, "deploy") == nil, "the debounce holds the deploy")
            try await world.after(seconds: 60)
            let deploy = try #require(await world.pipeline(12, "deploy"))
            #expect(deploy.ref == "feature-12" && deploy.variables[ReviewAppVariables.environment] == "review/mr-12")
            #expect(await world.forge.statuses.last?.0 == .pending)

            await world.forge.finish(deploy.id, "success")
            try await world.after(seconds: 60)
            let statuses = await world.forge.statuses
            #expect(statuses.last?.0 == .success, "\(statuses)")
            #expect(statuses.last?.1.hasPrefix("Review app up: 1 page pass, load ") == true)
            let note = try #require(await world.forge.notes[12])
            #expect(note.contains("**Up** at ") && note.contains("| `/` | pass | 200 |"), "\(note)")
            #expect(note.contains("[png](https://trainyard/s/"), "a link to the screenshot")

            // The next push changes the look: the check compares with the previous deploy.
            await world.app.setColour("#d62d20")
            try await world.open(12, head: "b", action: .update)
            try await world.after(seconds: 60)
            let second = try #require(await world.pipeline(12, "deploy"))
            #expect(second.id != deploy.id && second.variables[ReviewAppVariables.attempt] != "1")
            await world.forge.finish(second.id, "success")
            try await world.after(seconds: 60)
            let changed = await world.forge.statuses.last
            #expect(
                changed?.0 == .failed && changed?.1.contains("the look changed") == true,
                "\(String(describing: changed))")
            #expect(await world.forge.notes[12]?.contains("[diff](") == true)

            try await world.open(12, head: "b", state: "merged", action: .merge)
            let stop = try #require(await world.pipeline(12, "stop"))
            await world.forge.finish(stop.id, "success")
            try await world.after(seconds: 60)
            #expect(
                await world.forge.notes[12]?.contains("**Stopped.** Stopped: the merge request was merged.") == true)
            #expect(await world.forge.environments.isEmpty)
        } catch {
            try await world.close()
            throw error
        }
        try await world.close()
    }

    @Test func commentsAndAPICommandsPinDeployAndStopWithTheRoleChecked() async throws {
        let world = try await Self.world()
        do {
            func comment(_ body: String, author: Int) async throws {
                _ = try await world.engine.accept(
                    Delivery(
                        source: "gitlab", key: UUID().uuidString, kind: "Note Hook",
                        event: .comment(
                            CommentEvent(
                                project: Self.key, number: 14, author: "user\(author)", authorID: author, body: body,
                                target: "main"))))
                try await world.engine.drain()
            }
            // A draft gets no app until someone asks for one.
            let sha = SHA(String(repeating: "d", count: 40))
            await world.forge.setMergeRequest(
                MergeRequestInfo(
                    number: 14, title: "Draft", state: "opened", head: sha, sourceBranch: "draft", target: "main",
                    draft: true))
            await world.forge.setLevel(20, for: 7)
            try await comment("@trainyard review-app deploy", author: 7)
            #expect(await world.pipeline(14, "deploy") == nil, "a Reporter cannot deploy")
            try await comment("@trainyard review-app deploy", author: 8)
            let deploy = try #require(await world.pipeline(14, "deploy"), "a Developer can, even a draft")
            await world.forge.finish(deploy.id, "success")
            try await world.after(seconds: 60)
            try await comment("/review-app pin", author: 8)
            #expect(await world.forge.notes[14]?.contains("Pinned: kept until unpinned") == true)
            _ = try await world.engine.accept(
                Delivery(
                    source: "api", key: UUID().uuidString, kind: "API review-app stop",
                    event: .command(
                        CommandEvent(project: Self.key, number: 14, command: .reviewApp(.stop), by: "carol (API)"))))
            try await world.engine.drain()
            let stop = try #require(await world.pipeline(14, "stop"))
            #expect(stop.variables[ReviewAppVariables.environment] == "review/mr-14")
        } catch {
            try await world.close()
            throw error
        }
        try await world.close()
    }

    @Test func anAppThatNeverAnswersFailsWithTheReasonAfterTheWait() async throws {
        let world = try await Self.world(waitSeconds: 2)
        do {
            try await world.open(16, head: "e")
            try await world.after(seconds: 60)
            let deploy = try #require(await world.pipeline(16, "deploy"))
            await world.app.stop()
            await world.forge.finish(deploy.id, "success")
            try await world.after(seconds: 60)
            let status = await world.forge.statuses.last
            #expect(status?.0 == .failed, "\(String(describing: status))")
            #expect(status?.1.contains("ERR_CONNECTION_REFUSED") == true)
            #expect(await world.forge.notes[16]?.contains("still after 2 s, wait_seconds") == true)
        } catch {
            try await world.close()
            throw error
        }
        try await world.close()
    }

    @Test func withoutATemplateTheDeploymentHookGivesTheAddress() async throws {
        let world = try await Self.world(template: false)
        do {
            try await world.open(15, head: "f")
            try await world.after(seconds: 60)
            #expect(await world.pipeline(15, "deploy") != nil)
            _ = try await world.engine.accept(
                Delivery(
                    source: "gitlab", key: UUID().uuidString, kind: "Deployment Hook",
                    event: .deployment(
                        DeploymentEvent(
                            project: Self.key, environment: "review/mr-15", status: "success",
                            externalURL: await world.app.url("")))))
            try await world.engine.drain()
            let status = await world.forge.statuses.last
            #expect(status?.0 == .success, "\(String(describing: status))")
            #expect(await world.forge.notes[15]?.contains("**Up** at \(await world.app.url(""))") == true)
        } catch {
            try await world.close()
            throw error
        }
        try await world.close()
    }

    @Test func aFirstDeployIsComparedWithTheTargetBranchsApp() async throws {
        let staging = FakeReviewApp()
        try await staging.start()
        await staging.setColour("#d62d20")
        let world = try await Self.world(baseline: await staging.url(""))
        do {
            try await world.open(17, head: "a")
            try await world.after(seconds: 60)
            let deploy = try #require(await world.pipeline(17, "deploy"))
            await world.forge.finish(deploy.id, "success")
            try await world.after(seconds: 60)
            let status = await world.forge.statuses.last
            #expect(
                status?.0 == .failed && status?.1.contains("the look changed") == true, "\(String(describing: status))")
            #expect(await staging.requests["/", default: 0] == 1, "the target branch's app was looked at once")
        } catch {
            await staging.stop()
            try await world.close()
            throw error
        }
        await staging.stop()
        try await world.close()
    }

    @Test func theTTLStopsAnIdleAppAndTheSweeperStopsOrphans() async throws {
        let world = try await Self.world()
        do {
            await world.forge.plant(environment: "review/mr-99")
            await world.forge.plant(environment: "production")
            try await world.open(13, head: "c")
            try await world.after(seconds: 60)
            let deploy = try #require(await world.pipeline(13, "deploy"))
            await world.forge.finish(deploy.id, "success")
            try await world.after(seconds: 60)
            // The sweep every 15 minutes finds the environment no app stands behind.
            try await world.after(seconds: 15 * 60)
            #expect(await world.forge.stoppedEnvironments == ["review/mr-99"])
            #expect(await world.forge.environments == ["production", "review/mr-13"])
            // 72 hours after its last update, the app is stopped.
            try await world.after(seconds: 72 * 3600)
            let stop = try #require(await world.pipeline(13, "stop"))
            await world.forge.finish(stop.id, "success")
            try await world.after(seconds: 60)
            #expect(await world.forge.environments == ["production"])
            #expect(await world.forge.notes[13]?.contains("Stopped: no update for 72 h (ttl_hours).") == true)
            let stored = try await world.store.reviewApps(of: Self.key)
            #expect(stored?.apps[13]?.state == .stopped)
        } catch {
            try await world.close()
            throw error
        }
        try await world.close()
    }
}

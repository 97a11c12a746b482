import Foundation
import Synchronization
import Logging
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardStore

/// The engine with a real SQLite store and recording ports: routing of deliveries, retries and
/// failures of actions, and the pipeline branch names.
struct TrainEngineTests {
    static let project = ProjectSettings(
        key: ProjectKey(forge: "gitlab", path: "group/app"), targets: ["main"], gitURL: "file:///nowhere",
        train: TrainSettings(maxParallel: 2))

    final class Clock: Sendable {
        let now = Mutex(Instant(seconds: 1_700_000_000))
        func advance(seconds: Int64) { now.withLock { $0 = $0.adding(milliseconds: seconds * 1000) } }
        var value: Instant { now.withLock { $0 } }
    }

    static func engine(_ ports: RecordingPorts, clock: Clock) async throws -> (TrainEngine, SQLiteStore) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString)/t.db")
            .path
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
        let engine = TrainEngine(
            store: store, git: ports, forges: ["gitlab": ports], projects: [project], clock: { clock.value },
            logger: Logger(label: "test"), maxAttempts: 3)
        return (engine, store)
    }

    static func comment(_ body: String, on number: Int = 1, key: String = UUID().uuidString, authorID: Int? = nil)
        -> Delivery
    {
        Delivery(
            source: "gitlab", key: key, kind: "Note Hook",
            event: .comment(
                CommentEvent(
                    project: project.key, number: number, author: "alice", authorID: authorID, body: body,
                    target: "main")))
    }

    static func openRequest(_ number: Int, target: String = "main") -> MergeRequestInfo {
        MergeRequestInfo(
            number: number, title: "MR \(number)", state: "opened",
            head: SHA(String(repeating: "a", count: 39) + "\(number)"),
            sourceBranch: "f\(number)", target: target)
    }

    /// An engine whose train holds !1, queued by a `/merge` comment, with its car testing.
    static func withQueuedChange() async throws -> (RecordingPorts, Clock, TrainEngine, SQLiteStore) {
        let ports = RecordingPorts()
        await ports.setMergeRequest(openRequest(1))
        let clock = Clock()
        let (engine, store) = try await engine(ports, clock: clock)
        _ = try await engine.accept(comment("/merge"))
        try await engine.drain()
        return (ports, clock, engine, store)
    }

    @Test func mergeCommentReadsTheMergeRequestAndStartsACar() async throws {
        let ports = RecordingPorts()
        await ports.setMergeRequest(Self.openRequest(1))
        let (engine, store) = try await Self.engine(ports, clock: Clock())
        _ = try await engine.accept(Self.comment("/merge"))
        try await engine.drain()
        let calls = await ports.calls
        #expect(
            calls.prefix(2) == [
                "mergeRequest",
                "comment:Added !1 to the merge train of `main` at position 1 of 1. Trainyard tests it merged on top of the changes ahead of it and merges exactly the tested commit when its pipeline passes. An ETA is given once a pipeline of this train has passed.",
            ])
        #expect(calls.contains("targetHead") && calls.contains("buildCar") && calls.contains("createPipeline"))
        let train = try #require(try await store.train(TrainID(forge: "gitlab", project: "group/app", target: "main")))
        #expect(train.cars.first?.status == .testing)
        try await store.close()
    }

    @Test(arguments: [
        ("release", "does not run a merge train for `release`"), ("main", "is merged, so it cannot go on"),
    ])
    func commandsThatCannotApplyAreAnswered(target: String, words: String) async throws {
        let ports = RecordingPorts()
        var info = Self.openRequest(3, target: target)
        if target == "main" { info.state = "merged" }
        await ports.setMergeRequest(info)
        let (engine, store) = try await Self.engine(ports, clock: Clock())
        _ = try await engine.accept(Self.comment("/merge", on: 3))
        try await engine.drain()
        #expect(await ports.calls.contains { $0.hasPrefix("comment:") && $0.contains(words) })
        #expect(!(await ports.calls.contains("buildCar")))
        try await store.close()
    }

    @Test(arguments: [(20, "has the Reporter role"), (0, "is not a member")])
    func commandsFromPeopleWithoutTheRoleAreRefused(level: Int, words: String) async throws {
        let ports = RecordingPorts()
        await ports.setMergeRequest(Self.openRequest(1))
        await ports.setAccessLevel(level, for: 77)
        let (engine, store) = try await Self.engine(ports, clock: Clock())
        _ = try await engine.accept(Self.comment("@trainyard merge", authorID: 77))
        try await engine.drain()
        let calls = await ports.calls
        #expect(calls.contains { $0.contains("@alice cannot give Trainyard commands") && $0.contains(words) })
        #expect(!calls.contains("buildCar"))
        try await store.close()
    }

    @Test func draftsAreNotQueued() async throws {
        let ports = RecordingPorts()
        var draft = Self.openRequest(1)
        draft.draft = true
        await ports.setMergeRequest(draft)
        let (engine, store) = try await Self.engine(ports, clock: Clock())
        _ = try await engine.accept(Self.comment("/merge", authorID: 5))
        try await engine.drain()
        #expect(await ports.calls.contains { $0.contains("is a draft") })
        #expect(!(await ports.calls.contains("buildCar")))
        try await store.close()
    }

    @Test func missingMergeRequestFailsTheDeliveryOnceWithoutRetrying() async throws {
        let ports = RecordingPorts()
        let clock = Clock()
        let (engine, store) = try await Self.engine(ports, clock: clock)
        let api = CommandEvent(project: Self.project.key, number: 404, command: .merge, by: "the REST API")
        _ = try await engine.accept(Delivery(source: "api", key: "k", kind: "API merge", event: .command(api)))
        try await engine.drain()
        clock.advance(seconds: 600)
        try await engine.drain()
        #expect(await ports.calls == ["mergeRequest"])
        #expect(try await store.recentDeliveries(limit: 1).first?.outcome?.hasPrefix("failed: 404") == true)
        try await store.close()
    }

    @Test func skippedAndPushPipelinesOnCarBranchesAreNotCarPipelines() async throws {
        let ports = RecordingPorts()
        await ports.setMergeRequest(Self.openRequest(1))
        let (engine, store) = try await Self.engine(ports, clock: Clock())
        _ = try await engine.accept(Self.comment("/merge"))
        try await engine.drain()
        let sha = SHA(String(repeating: "c", count: 39) + "1")
        for (status, source) in [("skipped", "push"), ("failed", "push")] {
            let event = PipelineEvent(
                project: Self.project.key, pipeline: PipelineID(900), ref: "trainyard/main/1", sha: sha, status: status,
                source: source)
            _ = try await engine.accept(
                Delivery(source: "gitlab", key: "p-\(status)", kind: "Pipeline Hook", event: .pipeline(event)))
        }
        try await engine.drain()
        let train = try #require(try await store.train(TrainID(forge: "gitlab", project: "group/app", target: "main")))
        #expect(train.cars.first?.status == .testing && train.cars.first?.pipeline == PipelineID(1))
        try await store.close()
    }

    @Test func ticksRestartASilentPipeline() async throws {
        let (ports, clock, engine, store) = try await Self.withQueuedChange()
        try await engine.tick(now: clock.value)
        clock.advance(seconds: 4 * 3600)
        try await engine.tick(now: clock.value)
        try await engine.drain()
        #expect(await ports.calls.filter { $0 == "createPipeline" }.count == 2)
        #expect(await ports.calls.contains("cancelPipeline"))
        try await store.close()
    }

    @Test func lostPipelineWebhookIsMadeUpForByPolling() async throws {
        let (ports, clock, engine, store) = try await Self.withQueuedChange()
        await ports.setPipelineState("success", for: 1)
        try await engine.tick(now: clock.value)
        clock.advance(seconds: 180)
        try await engine.tick(now: clock.value)
        try await engine.drain()
        let calls = await ports.calls
        #expect(calls.contains("pipeline") && calls.contains("land"))
        #expect(calls.contains("setStatus:success"))
        try await store.close()
    }

    @Test func commentsWithoutACommandAreRecordedAndOtherwiseIgnored() async throws {
        let ports = RecordingPorts()
        let (engine, store) = try await Self.engine(ports, clock: Clock())
        _ = try await engine.accept(Self.comment("looks good, please comment `/merge`"))
        try await engine.drain()
        #expect(await ports.calls.isEmpty)
        #expect(try await store.recentDeliveries(limit: 1).first?.outcome == "no command")
        try await store.close()
    }

    @Test func forgeOutageDuringACommandIsRetriedLater() async throws {
        let ports = RecordingPorts()
        await ports.setMergeRequest(Self.openRequest(1))
        await ports.failNext("mergeRequest", with: [URLError(.timedOut)])
        let clock = Clock()
        let (engine, store) = try await Self.engine(ports, clock: clock)
        _ = try await engine.accept(Self.comment("/merge"))
        try await engine.drain()
        #expect(await ports.calls == ["mergeRequest"])
        clock.advance(seconds: 2)
        try await engine.drain()
        #expect(await ports.calls.filter { $0 == "mergeRequest" }.count == 2)
        #expect(await ports.calls.contains("buildCar"))
        try await store.close()
    }

    @Test func failingBuildIsRetriedThenRemovesTheChangeWithTheReason() async throws {
        let ports = RecordingPorts()
        await ports.setMergeRequest(Self.openRequest(1))
        let error = PermanentError("git exploded")
        await ports.failNext("buildCar", with: [URLError(.cannotConnectToHost), error])
        let clock = Clock()
        let (engine, store) = try await Self.engine(ports, clock: clock)
        _ = try await engine.accept(Self.comment("/merge"))
        try await engine.drain()
        clock.advance(seconds: 5)
        try await engine.drain()
        let calls = await ports.calls
        #expect(calls.filter { $0 == "buildCar" }.count == 2)
        #expect(calls.contains { $0.contains("could not build car 1 for !1: git exploded") })
        #expect(calls.contains("setStatus:failed"))
        try await store.close()
    }

    @Test func pipelineWebhooksAreRoutedByTheirCarBranch() async throws {
        let ports = RecordingPorts()
        await ports.setMergeRequest(Self.openRequest(1))
        let (engine, store) = try await Self.engine(ports, clock: Clock())
        _ = try await engine.accept(Self.comment("/merge"))
        try await engine.drain()
        let pipeline = PipelineEvent(
            project: Self.project.key, pipeline: PipelineID(1), ref: "trainyard/main/1",
            sha: SHA(String(repeating: "c", count: 39) + "1"), status: "success")
        _ = try await engine.accept(
            Delivery(source: "gitlab", key: "p1", kind: "Pipeline Hook", event: .pipeline(pipeline)))
        try await engine.drain()
        #expect(await ports.calls.contains("land"))
        #expect(await ports.calls.contains("setStatus:success"))
        try await store.close()
    }

    @Test(arguments: [
        ("trainyard/main/3", "main", 3), ("refs/heads/trainyard/release/1.x/12", "release/1.x", 12),
    ])
    func carBranchNamesAreParsed(ref: String, target: String, car: Int) {
        let parsed = TrainEngine.car(fromRef: ref)
        #expect(parsed?.target == target && parsed?.car == CarID(car))
    }

    @Test(arguments: [
        "main", "trainyard/main", "trainyard/main/x", "trainyard//3", "trainyard/main/0", "feature/trainyard/main/3",
    ])
    func otherBranchesAreNotCars(ref: String) {
        #expect(TrainEngine.car(fromRef: ref) == nil)
    }
}

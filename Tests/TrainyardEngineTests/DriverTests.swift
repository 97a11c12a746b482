import Foundation
import Logging
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardStore

/// The engine's drivers on a real SQLite file: idle means no queries, a ring wakes a driver, and
/// timers live in the store across restarts.
struct DriverTests {
    /// Runs the engine in the background; returns the task (cancel or `stop()` it).
    static func running(_ engine: TrainEngine) -> Task<Void, Never> {
        Task { await engine.run() }
    }

    /// Transactions run over `window` of wall time. A spinning loop runs thousands; a quiet
    /// engine none. No assertion is made on time itself.
    static func transactions(of store: SQLiteStore, over window: Duration) async -> Int {
        let before = await store.transactionCount()
        try? await Task.sleep(for: window)
        return await store.transactionCount() - before
    }

    static func waitUntil(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<3000 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the condition did not come true within 30 s")
    }

    @Test func anIdleEngineWithNoWorkRunsNoQueries() async throws {
        let ports = RecordingPorts()
        let (engine, store) = try await TrainEngineTests.engine(ports, clock: TrainEngineTests.Clock())
        let task = Self.running(engine)
        // Start-up runs a few queries (routing, timers, owners); after it, none. A spinning loop
        // runs thousands a second, so a window with none and no window with more than a few tell
        // them apart on however slow a machine.
        var windows: [Int] = []
        for _ in 0..<4 { windows.append(await Self.transactions(of: store, over: .seconds(1))) }
        #expect(windows.contains(0) && windows.max()! <= 20, "transactions per second while idle: \(windows)")
        engine.stop()
        await task.value
        try await store.close()
    }

    @Test func aTrainWaitingOnItsPipelineRunsNoQueriesAndWakesForNewWork() async throws {
        let ports = RecordingPorts()
        await ports.setMergeRequest(TrainEngineTests.openRequest(1))
        let clock = TrainEngineTests.Clock()
        let (engine, store) = try await TrainEngineTests.engine(ports, clock: clock)
        let task = Self.running(engine)
        _ = try await engine.accept(TrainEngineTests.comment("/merge"))
        try await Self.waitUntil { await ports.calls.contains("createPipeline") }
        try await Self.waitUntil { try await store.nextOutbox(owner: nil, now: clock.value) == nil }
        // The train now waits for its pipeline: its poll timer is 30 s away on the engine's clock.
        var windows: [Int] = []
        for _ in 0..<4 { windows.append(await Self.transactions(of: store, over: .seconds(1))) }
        #expect(windows.contains(0) && windows.max()! <= 20, "transactions per second while waiting: \(windows)")
        #expect(engine.driverCount == 1)
        let train = TrainID(forge: "gitlab", project: "group/app", target: "main")
        let car = try #require(try await store.train(train)?.cars.first)
        let pipeline = try #require(car.pipeline)
        let commit = try #require(car.commit)
        await ports.setPipelineState("success", for: pipeline.value)
        let event = PipelineEvent(
            project: TrainEngineTests.project.key, pipeline: pipeline, ref: "trainyard/main/\(car.id.value)",
            sha: commit, status: "success")
        _ = try await engine.accept(
            Delivery(source: "gitlab", key: "p\(pipeline.value)", kind: "Pipeline Hook", event: .pipeline(event)))
        try await Self.waitUntil { await ports.calls.contains("land") }
        engine.stop()
        await task.value
        try await store.close()
    }

    @Test func pollTimersAreStoredAndFireAfterARestart() async throws {
        let ports = RecordingPorts()
        await ports.setMergeRequest(TrainEngineTests.openRequest(1))
        let clock = TrainEngineTests.Clock()
        let (engine, store) = try await TrainEngineTests.engine(ports, clock: clock)
        _ = try await engine.accept(TrainEngineTests.comment("/merge"))
        try await engine.drain()
        let due = try #require(
            try await store.nextWake(owner: .train(TrainID(forge: "gitlab", project: "group/app", target: "main"))))
        #expect(due == clock.value.adding(milliseconds: 30_000), "the poll is 30 s after the last change")
        // A new engine on the same file, 31 s later: the stored poll fires, ticks the train and is
        // set again 30 s on.
        clock.advance(seconds: 31)
        let restarted = TrainEngine(
            store: store, git: ports, forges: ["gitlab": ports], projects: [TrainEngineTests.project],
            clock: { clock.value }, logger: Logger(label: "test"), maxAttempts: 3)
        let task = Self.running(restarted)
        let owner = Owner.train(TrainID(forge: "gitlab", project: "group/app", target: "main"))
        try await Self.waitUntil { try await store.nextWake(owner: owner) == clock.value.adding(milliseconds: 30_000) }
        restarted.stop()
        await task.value
        try await store.close()
    }

    @Test func stopLetsRunReturnWithTheWorkLeftInTheStore() async throws {
        let ports = RecordingPorts()
        await ports.setMergeRequest(TrainEngineTests.openRequest(1))
        let (engine, store) = try await TrainEngineTests.engine(ports, clock: TrainEngineTests.Clock())
        let task = Self.running(engine)
        engine.stop()
        await task.value
        _ = try await engine.accept(TrainEngineTests.comment("/merge"))
        #expect(try await store.nextInbox(owner: nil, now: Instant(seconds: 2_000_000_000)) != nil)
        try await store.close()
    }
}

struct DoorbellTests {
    @Test func aRingBeforeTheWaitIsKept() async {
        let bell = Doorbell()
        bell.ring()
        await bell.wait(timeout: nil)
    }

    @Test func aWaitEndsWithItsTimeout() async {
        let bell = Doorbell()
        await bell.wait(timeout: .milliseconds(20))
    }

    @Test func aRingWakesAWaiterAndCancellationEndsAWait() async {
        let bell = Doorbell()
        let waiter = Task { await bell.wait(timeout: nil) }
        try? await Task.sleep(for: .milliseconds(20))
        bell.ring()
        await waiter.value
        let cancelled = Task { await bell.wait(timeout: nil) }
        cancelled.cancel()
        await cancelled.value
    }

    @Test func manyRingsWakeOnceAndAreThenForgotten() async {
        let bell = Doorbell()
        for _ in 0..<5 { bell.ring() }
        await bell.wait(timeout: nil)
        let start = ContinuousClock.now
        await bell.wait(timeout: .milliseconds(50))
        #expect(ContinuousClock.now - start >= .milliseconds(50), "the rings before were one ring")
    }
}

struct RetentionEngineTests {
    @Test func historyOlderThanTheRetentionIsPrunedAndTheRestKept() async throws {
        let ports = RecordingPorts()
        await ports.setMergeRequest(TrainEngineTests.openRequest(1))
        let clock = TrainEngineTests.Clock()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("retention-\(UUID())/t.db").path
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
        let engine = TrainEngine(
            store: store, git: ports, forges: ["gitlab": ports], projects: [TrainEngineTests.project],
            clock: { clock.value }, logger: Logger(label: "test"), maxAttempts: 3, retentionDays: 30)
        for index in 0..<600 {
            _ = try await engine.accept(
                Delivery(source: "gitlab", key: "ignored-\(index)", kind: "Job Hook", event: .ignored(kind: "Job Hook"))
            )
        }
        _ = try await engine.accept(TrainEngineTests.comment("/merge"))
        try await engine.drain()
        #expect(try await engine.pruneHistory(now: clock.value) == 0, "nothing is 30 days old yet")
        clock.advance(seconds: 31 * 86_400)
        let pruned = try await engine.pruneHistory(now: clock.value)
        #expect(pruned >= 601, "600 ignored deliveries, the comment and the finished actions")
        #expect(try await store.recentDeliveries(limit: 10).isEmpty)
        #expect(try await store.train(TrainID(forge: "gitlab", project: "group/app", target: "main")) != nil)
        try await store.close()
    }

    @Test func mirrorUpkeepKeepsTheMergeRequestsOnTrainsAndGoesOnAfterAFailure() async throws {
        let other = ProjectSettings(
            key: ProjectKey(forge: "gitlab", path: "group/lib"), targets: ["main"], gitURL: "file:///nowhere",
            train: TrainSettings())
        let ports = RecordingPorts()
        await ports.setMergeRequest(TrainEngineTests.openRequest(1))
        await ports.setMergeRequest(TrainEngineTests.openRequest(2))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("upkeep-\(UUID().uuidString)/t.db")
            .path
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
        let engine = TrainEngine(
            store: store, git: ports, forges: ["gitlab": ports], projects: [TrainEngineTests.project, other],
            clock: { Instant(seconds: 1_700_000_000) }, logger: Logger(label: "test"), maxAttempts: 3)
        _ = try await engine.accept(TrainEngineTests.comment("/merge", on: 1))
        _ = try await engine.accept(TrainEngineTests.comment("/merge", on: 2))
        try await engine.drain()
        await ports.failNext("maintain", with: [PermanentError("disk full")])
        try await engine.maintainMirrors()
        #expect(await ports.calls.filter { $0 == "maintain" }.count == 2, "one project failing does not stop the other")
        try await engine.maintainMirrors()
        #expect(await ports.maintained == ["group/app": [1, 2], "group/lib": []])
        try await store.close()
    }
}

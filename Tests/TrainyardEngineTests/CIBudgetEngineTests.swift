import Foundation
import Logging
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardStore

/// The CI budget shared by every train, through the engine and a real SQLite store.
struct CIBudgetEngineTests {
    static func project(_ path: String) -> ProjectSettings {
        ProjectSettings(
            key: ProjectKey(forge: "gitlab", path: path), targets: ["main"], gitURL: "file:///nowhere",
            train: TrainSettings(maxParallel: 2, planner: .serial))
    }

    static func merge(_ number: Int, in project: ProjectSettings) -> Delivery {
        Delivery(
            source: "gitlab", key: UUID().uuidString, kind: "Note Hook",
            event: .comment(CommentEvent(project: project.key, number: number, author: "alice", body: "/merge")))
    }

    /// Works as `TrainEngine.run` does, without its regular 30 s tick: the trains' wake-ups
    /// before every step, until nothing is left to do.
    static func loop(_ engine: TrainEngine, _ clock: TrainEngineTests.Clock) async throws {
        for _ in 0..<1_000 {
            try await engine.tickWakeups(now: clock.value)
            if try await engine.step() { continue }
            try await engine.tickWakeups(now: clock.value)
            guard try await engine.step() else { return }
        }
    }

    /// Two trains share a budget of one pipeline: the second waits while the first runs, and
    /// starts as soon as the first one's change has landed (the slot is the first train's while
    /// its change waits, as it waited longest), without waiting for the regular tick.
    @Test func aSecondTrainWaitsForTheSharedBudgetAndStartsWhenItFrees() async throws {
        let ports = RecordingPorts()
        let (a, b) = (Self.project("group/a"), Self.project("group/b"))
        await ports.setMergeRequest(TrainEngineTests.openRequest(1))
        await ports.setMergeRequest(TrainEngineTests.openRequest(2))
        let clock = TrainEngineTests.Clock()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("budget-\(UUID().uuidString)/t.db")
        let store = try await SQLiteStore.open(path: path.path, logger: Logger(label: "test"))
        let engine = TrainEngine(
            store: store, git: ports, forges: ["gitlab": ports], projects: [a, b], clock: { clock.value },
            logger: Logger(label: "test"), ciBudget: CIBudget(limit: 1))
        _ = try await engine.accept(Self.merge(1, in: a))
        try await Self.loop(engine, clock)
        _ = try await engine.accept(Self.merge(2, in: b))
        try await Self.loop(engine, clock)
        #expect(await ports.calls.filter { $0 == "buildCar" }.count == 1, "one car across both trains")
        let trainB = TrainID(forge: "gitlab", project: "group/b", target: "main")
        #expect(try await store.train(trainB)?.queue.map(\.number) == [2])
        #expect(try await store.train(trainB)?.cars.isEmpty == true)

        let passed = PipelineEvent(
            project: a.key, pipeline: PipelineID(1), ref: "trainyard/main/1",
            sha: SHA(String(repeating: "c", count: 39) + "1"), status: "success")
        _ = try await engine.accept(
            Delivery(source: "gitlab", key: "p1", kind: "Pipeline Hook", event: .pipeline(passed)))
        try await Self.loop(engine, clock)
        #expect(await ports.calls.filter { $0 == "buildCar" }.count == 2, "train b built its car once a's landed")
        #expect(try await store.train(trainB)?.cars.first?.status == .testing)
        try await store.close()
    }
}

import Foundation
import Logging
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardStore

/// Replicas through the engine and a real SQLite store: two cars with the same changes (and, as
/// with a deterministic merge, the same commit) are built, run and landed by their own refs.
struct ReplicaEngineTests {
    /// A train that learnt its CI is flaky (a flake in one run of 4) runs a merge request as two
    /// cars; the first pipeline to pass lands it and the other pipeline is cancelled.
    @Test func theFirstCopyToPassLandsAndTheOtherIsCancelled() async throws {
        let ports = RecordingPorts()
        let project = ProjectSettings(
            key: ProjectKey(forge: "gitlab", path: "group/flaky"), targets: ["main"], gitURL: "file:///nowhere",
            train: TrainSettings(maxParallel: 4, planner: .adaptive))
        await ports.setMergeRequest(TrainEngineTests.openRequest(1))
        let clock = TrainEngineTests.Clock()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("replicas-\(UUID().uuidString)/t.db")
        let store = try await SQLiteStore.open(path: path.path, logger: Logger(label: "test"))
        let id = TrainID(forge: "gitlab", project: "group/flaky", target: "main")
        var learnt = Train(id: id, settings: project.train)
        var stats = PlannerStats()
        stats.landed = 400
        stats.blamed = 4
        stats.passedRuns = 300
        stats.provenFlakes = 100
        learnt.stats = stats
        try await store.commit(train: id, state: learnt, actions: [], finishing: nil, at: clock.value)
        let engine = TrainEngine(
            store: store, git: ports, forges: ["gitlab": ports], projects: [project], clock: { clock.value },
            logger: Logger(label: "test"))

        _ = try await engine.accept(CIBudgetEngineTests.merge(1, in: project))
        try await CIBudgetEngineTests.loop(engine, clock)
        #expect(await ports.calls.filter { $0 == "buildCar" }.count == 2)
        #expect(await ports.calls.filter { $0 == "createPipeline" }.count == 2)
        let cars = try await store.train(id)?.cars ?? []
        #expect(cars.count == 2 && Set(cars.compactMap(\.commit)).count == 1, "two copies of one commit")
        guard cars.count == 2, let first = cars.first, let pipeline = first.pipeline, let commit = first.commit else {
            return
        }

        let passed = PipelineEvent(
            project: project.key, pipeline: pipeline, ref: "trainyard/main/\(first.id.value)", sha: commit,
            status: "success")
        _ = try await engine.accept(
            Delivery(source: "gitlab", key: "p\(pipeline.value)", kind: "Pipeline Hook", event: .pipeline(passed)))
        try await CIBudgetEngineTests.loop(engine, clock)
        #expect(await ports.calls.filter { $0 == "land" }.count == 1)
        #expect(await ports.calls.filter { $0 == "cancelPipeline" }.count == 1, "the other copy is cancelled")
        let after = try await store.train(id)
        #expect(after?.queue.isEmpty == true && after?.cars.isEmpty == true)
        try await store.close()
    }
}

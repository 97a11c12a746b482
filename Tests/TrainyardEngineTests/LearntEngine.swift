import Foundation
import Logging
import TrainyardCore
import TrainyardEngine
import TrainyardStore

/// An engine over recording ports and a real SQLite store whose one train (an `adaptive` train on
/// `main`) already learnt `stats`, with merge requests `1…requests` open on the forge.
struct LearntEngine {
    let ports: RecordingPorts
    let project: ProjectSettings
    let clock: TrainEngineTests.Clock
    let store: SQLiteStore
    let engine: TrainEngine
    let id: TrainID

    static func open(_ path: String, maxParallel: Int, stats: PlannerStats, requests: Int) async throws -> LearntEngine
    {
        let ports = RecordingPorts()
        let project = ProjectSettings(
            key: ProjectKey(forge: "gitlab", path: path), targets: ["main"], gitURL: "file:///nowhere",
            train: TrainSettings(maxParallel: maxParallel, planner: .adaptive))
        for number in 1...requests { await ports.setMergeRequest(TrainEngineTests.openRequest(number)) }
        let clock = TrainEngineTests.Clock()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("learnt-\(UUID().uuidString)/t.db")
        let store = try await SQLiteStore.open(path: file.path, logger: Logger(label: "test"))
        let id = TrainID(forge: "gitlab", project: path, target: "main")
        var learnt = Train(id: id, settings: project.train)
        learnt.stats = stats
        try await store.commit(train: id, state: learnt, actions: [], finishing: nil, at: clock.value)
        let engine = TrainEngine(
            store: store, git: ports, forges: ["gitlab": ports], projects: [project], clock: { clock.value },
            logger: Logger(label: "test"))
        return LearntEngine(ports: ports, project: project, clock: clock, store: store, engine: engine, id: id)
    }

    /// Queues merge request `number` and runs the engine until it has nothing left to do.
    func merge(_ number: Int) async throws {
        _ = try await engine.accept(CIBudgetEngineTests.merge(number, in: project))
        try await CIBudgetEngineTests.loop(engine, clock)
    }

    /// Delivers a pipeline webhook for car (or probe) `car` and runs the engine.
    func pipeline(_ pipeline: PipelineID, car: CarID, commit: SHA, status: String) async throws {
        let event = PipelineEvent(
            project: project.key, pipeline: pipeline, ref: "trainyard/main/\(car.value)", sha: commit, status: status)
        _ = try await engine.accept(
            Delivery(source: "gitlab", key: "p\(pipeline.value)", kind: "Pipeline Hook", event: .pipeline(event)))
        try await CIBudgetEngineTests.loop(engine, clock)
    }
}

import Testing
import TrainyardCore

/// Replicas through the engine and a real SQLite store: two cars with the same changes (and, as
/// with a deterministic merge, the same commit) are built, run and landed by their own refs.
struct ReplicaEngineTests {
    /// A train that learnt its CI is flaky (a flake in one run of 4) runs a merge request as two
    /// cars; the first pipeline to pass lands it and the other pipeline is cancelled.
    @Test func theFirstCopyToPassLandsAndTheOtherIsCancelled() async throws {
        var stats = PlannerStats()
        stats.landed = 400
        stats.blamed = 4
        stats.passedRuns = 300
        stats.provenFlakes = 100
        let world = try await LearntEngine.open("group/flaky", maxParallel: 4, stats: stats, requests: 1)
        try await world.merge(1)
        #expect(await world.ports.calls.filter { $0 == "buildCar" }.count == 2)
        #expect(await world.ports.calls.filter { $0 == "createPipeline" }.count == 2)
        let cars = try await world.store.train(world.id)?.cars ?? []
        #expect(cars.count == 2 && Set(cars.compactMap(\.commit)).count == 1, "two copies of one commit")
        guard cars.count == 2, let first = cars.first, let pipeline = first.pipeline, let commit = first.commit else {
            return
        }

        try await world.pipeline(pipeline, car: first.id, commit: commit, status: "success")
        #expect(await world.ports.calls.filter { $0 == "land" }.count == 1)
        #expect(await world.ports.calls.filter { $0 == "cancelPipeline" }.count == 1, "the other copy is cancelled")
        let after = try await world.store.train(world.id)
        #expect(after?.queue.isEmpty == true && after?.cars.isEmpty == true)
        try await world.store.close()
    }
}

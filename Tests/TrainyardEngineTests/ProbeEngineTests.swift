import Testing
import TrainyardCore

/// Probes through the engine and a real SQLite store: a merge request tested alone is built, run
/// and answered by its own ref, and its failure reshapes the cars behind it without removing it.
struct ProbeEngineTests {
    /// A train that learnt 1 change in 10 breaks the build probes `!2` and `!3` beside their cars;
    /// `!2`'s probe fails, so the car holding `!2` ahead of `!3` is cancelled and `[!1, !3]` built,
    /// while `!2` stays queued for its own car to decide.
    @Test func aFailedProbeReshapesTheCarsBehind() async throws {
        var stats = PlannerStats()
        stats.landed = 80
        stats.blamed = 10
        let world = try await LearntEngine.open("group/busy", maxParallel: 8, stats: stats, requests: 3)
        for number in 1...3 { try await world.merge(number) }

        let running = try #require(try await world.store.train(world.id))
        #expect(running.cars.map { $0.changes.map(\.number) } == [[1], [1, 2], [1, 2, 3]])
        #expect(running.probes?.map(\.newest.number) == [2, 3])
        #expect(await world.ports.calls.filter { $0 == "createPipeline" }.count == 5, "three cars and two probes")
        let probe = try #require(running.probes?.first { $0.newest.number == 2 })
        let pipeline = try #require(probe.pipeline)
        let commit = try #require(probe.commit)

        try await world.pipeline(pipeline, car: probe.id, commit: commit, status: "failed")
        let after = try #require(try await world.store.train(world.id))
        #expect(after.queue.map(\.number) == [1, 2, 3], "a failed probe removes nobody")
        #expect(after.cars.map { $0.changes.map(\.number) } == [[1], [1, 2], [1, 3]])
        #expect(after.probes?.first { $0.newest.number == 2 }?.status == .failed)
        #expect(await world.ports.calls.filter { $0 == "cancelPipeline" }.count == 1, "the car [1, 2, 3]")
        try await world.store.close()
    }
}

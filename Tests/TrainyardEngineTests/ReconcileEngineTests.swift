import Foundation
import Logging
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardStore

/// The reconciler and the check of merge request webhooks against the forge, on a real SQLite
/// store with recording ports.
struct ReconcileEngineTests {
    typealias Clock = TrainEngineTests.Clock
    static let train = TrainID(forge: "gitlab", project: "group/app", target: "main")

    static func engine(_ ports: RecordingPorts, clock: Clock) async throws -> (TrainEngine, SQLiteStore) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-\(UUID().uuidString)/t.db")
            .path
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
        let engine = TrainEngine(
            store: store, git: ports, forges: ["gitlab": ports], projects: [TrainEngineTests.project],
            clock: { clock.value }, logger: Logger(label: "test"), maxAttempts: 3, reconcileInterval: 300_000)
        return (engine, store)
    }

    /// Runs the reconciler's pass now, and everything it stored.
    static func pass(_ engine: TrainEngine, _ store: SQLiteStore, clock: Clock) async throws {
        try await store.setTimers([TimerChange(owner: .train(train), name: TrainTimer.reconcile, .set(clock.value))])
        try await engine.tickWakeups(now: clock.value)
        try await engine.drain()
    }

    static func mergeRequestEvent(_ action: MergeRequestEvent.Action, head: SHA, state: String = "opened") -> Delivery {
        Delivery(
            source: "gitlab", key: UUID().uuidString, kind: "Merge Request Hook",
            event: .mergeRequest(
                MergeRequestEvent(
                    project: TrainEngineTests.project.key, number: 1, action: action, head: head, target: "main",
                    state: state)))
    }

    @Test func aLostCommentIsReplayedOnceAndALostClosingIsRepaired() async throws {
        let ports = RecordingPorts()
        await ports.setMergeRequest(TrainEngineTests.openRequest(1))
        await ports.setMergeRequest(TrainEngineTests.openRequest(2))
        let clock = Clock()
        let (engine, store) = try await Self.engine(ports, clock: clock)
        // The first pass only marks the time: comments from before it are history, not commands.
        await ports.addListedComment(
            CommentSnapshot(
                id: 7, author: "alice", authorID: nil, body: "/merge",
                createdAt: clock.value.adding(milliseconds: -60_000)),
            on: 1)
        try await Self.pass(engine, store, clock: clock)
        var train = try #require(try await store.train(Self.train))
        #expect(train.queue.isEmpty && train.reconciledAt == clock.value)

        // `/merge` on !2 whose webhook was lost: the next pass stores it and the train obeys it.
        clock.advance(seconds: 300)
        await ports.addListedComment(
            CommentSnapshot(id: 8, author: "alice", authorID: nil, body: "/merge", createdAt: clock.value), on: 2)
        try await Self.pass(engine, store, clock: clock)
        train = try #require(try await store.train(Self.train))
        #expect(train.queue.map(\.number) == [2])
        // Its webhook, late, and the next pass are duplicates: stored once, obeyed once.
        let late = TrainEngineTests.comment("/merge", on: 2, key: CommentSnapshot.deliveryKey(8))
        #expect(try await engine.accept(late) == .duplicate)
        clock.advance(seconds: 300)
        try await Self.pass(engine, store, clock: clock)
        let added = await ports.calls.filter { $0.hasPrefix("comment:Added !2") }
        #expect(added.count == 1)

        // !2 was closed and that webhook was lost too: the pass takes it off the train.
        var closed = TrainEngineTests.openRequest(2)
        closed.state = "closed"
        await ports.setMergeRequest(closed)
        clock.advance(seconds: 300)
        try await Self.pass(engine, store, clock: clock)
        train = try #require(try await store.train(Self.train))
        #expect(train.queue.isEmpty)
        #expect(await ports.calls.contains { $0.hasPrefix("comment:") && $0.contains("!2 was closed") })
        let next = try await store.nextWake(owner: .train(Self.train))
        #expect(next != nil, "the next pass is set")
        try await store.close()
    }

    @Test func anOutOfDateUpdateWebhookLeavesTheQueuedHeadOnTheTrain() async throws {
        let (ports, _, engine, store) = try await TrainEngineTests.withQueuedChange()
        let queued = TrainEngineTests.openRequest(1).head
        // An update with an older head arrives after the change was queued at its newest one.
        _ = try await engine.accept(Self.mergeRequestEvent(.update, head: SHA(String(repeating: "b", count: 40))))
        try await engine.drain()
        var train = try #require(try await store.train(Self.train))
        #expect(train.queue.map(\.head) == [queued], "the forge still shows the queued head")
        // A close from before a reopening is out of date the same way.
        _ = try await engine.accept(Self.mergeRequestEvent(.close, head: queued, state: "closed"))
        try await engine.drain()
        train = try #require(try await store.train(Self.train))
        #expect(train.queue.count == 1)
        // A real push: the forge shows the new head, and the change leaves the train.
        var pushed = TrainEngineTests.openRequest(1)
        pushed.head = SHA(String(repeating: "c", count: 40))
        await ports.setMergeRequest(pushed)
        _ = try await engine.accept(Self.mergeRequestEvent(.update, head: pushed.head))
        try await engine.drain()
        train = try #require(try await store.train(Self.train))
        #expect(train.queue.isEmpty)
        try await store.close()
    }
}

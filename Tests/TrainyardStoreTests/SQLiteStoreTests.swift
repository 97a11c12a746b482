import Foundation
import Logging
import SQLiteNIO
import Testing
import TrainyardCore
import TrainyardEngine

@testable import TrainyardStore

/// The SQLite store against real database files in a temporary folder.
struct SQLiteStoreTests {
    static func temporaryPath() -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "trainyard-store-\(UUID().uuidString)")
        return folder.appendingPathComponent("trainyard.db").path
    }

    static let train = TrainID(forge: "gitlab", project: "group/app", target: "main")
    static let otherTrain = TrainID(forge: "gitlab", project: "group/app", target: "release")

    static func delivery(_ key: String) -> Delivery {
        Delivery(
            source: "gitlab", key: key, kind: "Push Hook",
            event: .push(PushEvent(project: ProjectKey(forge: "gitlab", path: "group/app"), branch: "main", after: nil))
        )
    }

    static func open(_ path: String) async throws -> SQLiteStore {
        try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
    }

    @Test func duplicateDeliveriesAreRecognisedByKey() async throws {
        let store = try await Self.open(Self.temporaryPath())
        let first = try await store.insert(Self.delivery("uuid-1"), at: Instant(seconds: 1))
        let again = try await store.insert(Self.delivery("uuid-1"), at: Instant(seconds: 2))
        let other = try await store.insert(Self.delivery("uuid-2"), at: Instant(seconds: 3))
        #expect(first == .stored(1))
        #expect(again == .duplicate)
        #expect(other != .duplicate && other != first)
        #expect(try await store.recentDeliveries(limit: 10).map(\.key) == ["uuid-2", "uuid-1"])
        try await store.close()
    }

    @Test func inboxRowsComeOutInOrderAndRetriesWaitTheirTurn() async throws {
        let store = try await Self.open(Self.temporaryPath())
        _ = try await store.insert(Self.delivery("a"), at: Instant(seconds: 1))
        _ = try await store.insert(Self.delivery("b"), at: Instant(seconds: 1))
        let first = try #require(try await store.nextInbox(now: Instant(seconds: 10)))
        #expect(first.delivery.key == "a")
        try await store.retryInbox(first.id, error: "forge down", notBefore: Instant(seconds: 20))
        #expect(try await store.nextInbox(now: Instant(seconds: 10))?.delivery.key == "b")
        try await store.finishInbox(2, outcome: "applied", at: Instant(seconds: 11))
        #expect(try await store.nextInbox(now: Instant(seconds: 15)) == nil)
        let retried = try #require(try await store.nextInbox(now: Instant(seconds: 20)))
        #expect(retried.delivery.key == "a" && retried.attempts == 1)
        try await store.close()
    }

    @Test func commitSavesStateActionsAndFinishesTheRowTogether() async throws {
        let store = try await Self.open(Self.temporaryPath())
        _ = try await store.insert(Self.delivery("a"), at: Instant(seconds: 1))
        var train = Train(id: Self.train)
        let actions = train.apply(
            .changeEnqueued(
                Change(number: 4, head: SHA(String(repeating: "a", count: 40)), enqueuedAt: Instant(seconds: 1))))
        try await store.commit(
            train: Self.train, state: train, actions: actions, finishing: .inbox(1, outcome: "applied"),
            at: Instant(seconds: 2))
        #expect(try await store.train(Self.train) == train)
        #expect(try await store.nextInbox(now: Instant(seconds: 5)) == nil)
        var seen: [TrainAction] = []
        while let row = try await store.nextOutbox(now: Instant(seconds: 5)) {
            seen.append(row.action)
            try await store.finishOutbox(row.id, at: Instant(seconds: 5))
        }
        #expect(seen == actions)
        let records = try await store.recentDeliveries(limit: 10)
        #expect(records.first?.outcome == "applied")
        try await store.close()
    }

    @Test func actionsOfOneTrainRunInOrderEvenAcrossRetries() async throws {
        let store = try await Self.open(Self.temporaryPath())
        try await store.commit(
            train: Self.train, state: nil,
            actions: [.comment(change: 1, body: "one"), .comment(change: 1, body: "two")],
            finishing: nil, at: Instant(seconds: 1))
        try await store.commit(
            train: Self.otherTrain, state: nil, actions: [.comment(change: 2, body: "other")], finishing: nil,
            at: Instant(seconds: 1))
        let first = try #require(try await store.nextOutbox(now: Instant(seconds: 1)))
        #expect(first.action == .comment(change: 1, body: "one"))
        try await store.retryOutbox(first.id, error: "429", notBefore: Instant(seconds: 60))
        let next = try #require(try await store.nextOutbox(now: Instant(seconds: 2)))
        #expect(next.action == .comment(change: 2, body: "other"), "the other train goes on; 'two' waits behind 'one'")
        try await store.finishOutbox(next.id, at: Instant(seconds: 2))
        #expect(try await store.nextOutbox(now: Instant(seconds: 2)) == nil)
        let due = try #require(try await store.nextOutbox(now: Instant(seconds: 60)))
        #expect(due.action == .comment(change: 1, body: "one") && due.attempts == 1)
        try await store.close()
    }

    @Test func failedTransactionLeavesNothingBehind() async throws {
        let store = try await Self.open(Self.temporaryPath())
        await #expect(throws: (any Error).self) {
            try await store.transaction { connection in
                _ = try await connection.query(
                    "INSERT INTO outbox (train, train_id, action, created_at) VALUES ('t', '{}', '{}', 0)", [])
                _ = try await connection.query("INSERT INTO no_such_table VALUES (1)", [])
            }
        }
        #expect(try await store.nextOutbox(now: Instant(seconds: 1)) == nil)
        try await store.close()
    }

    @Test func stateSurvivesReopeningTheFile() async throws {
        let path = Self.temporaryPath()
        let store = try await Self.open(path)
        _ = try await store.insert(Self.delivery("kept"), at: Instant(seconds: 1))
        try await store.commit(
            train: Self.train, state: Train(id: Self.train), actions: [], finishing: nil, at: Instant(seconds: 1))
        try await store.close()
        let reopened = try await Self.open(path)
        #expect(try await reopened.nextInbox(now: Instant(seconds: 2))?.delivery.key == "kept")
        #expect(try await reopened.trains().map(\.id) == [Self.train])
        #expect(try await reopened.insert(Self.delivery("kept"), at: Instant(seconds: 3)) == .duplicate)
        let mode = try await reopened.connection.query("PRAGMA journal_mode", [])
        #expect(mode.first?.column("journal_mode")?.string == "wal")
        try await reopened.close()
    }

    @Test func refusesADatabaseFromANewerTrainyard() async throws {
        let path = Self.temporaryPath()
        let store = try await Self.open(path)
        _ = try await store.connection.query("PRAGMA user_version = 99", [])
        try await store.close()
        await #expect(throws: StoreError.self) { _ = try await Self.open(path) }
    }

    @Test func concurrentCallsDoNotInterleaveTransactions() async throws {
        let store = try await Self.open(Self.temporaryPath())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask { _ = try await store.insert(Self.delivery("k\(index)"), at: Instant(seconds: 1)) }
            }
            try await group.waitForAll()
        }
        #expect(try await store.recentDeliveries(limit: 100).count == 50)
        try await store.close()
    }
}

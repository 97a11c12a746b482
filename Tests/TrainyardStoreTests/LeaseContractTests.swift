import Foundation
import Testing
import TrainyardCore
import TrainyardEngine

@testable import TrainyardStore

/// Leases and fencing, the same on both stores.
struct LeaseContractTests {
    static let train = TrainID(forge: "gitlab", project: "group/app", target: "main")
    static let owner = Owner.train(train)

    @Test(arguments: StoreKind.allCases)
    func oneHolderAtATimeAndANewEpochForEachNewHolder(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            let first = try #require(try await store.acquireLease(Self.owner, holder: "a", seconds: 60))
            #expect(first.epoch == 1)
            #expect(try await store.acquireLease(Self.owner, holder: "b", seconds: 60) == nil, "a holds it")
            #expect(try await store.acquireLease(Self.owner, holder: "a", seconds: 60)?.epoch == 1, "a renews")
            #expect(try await store.renewLeases(holder: "a", seconds: 60) == [Self.owner])
            #expect(try await store.renewLeases(holder: "b", seconds: 60).isEmpty)
            try await store.releaseLease(first)
            let second = try #require(try await store.acquireLease(Self.owner, holder: "b", seconds: 60))
            #expect(second.epoch == 2)
            #expect(second.takenOverAfter == nil, "a lease given up is not a take-over")
            let other = Owner.train(TrainID(forge: "gitlab", project: "group/app", target: "release"))
            #expect(try await store.acquireLease(other, holder: "a", seconds: 60)?.epoch == 1, "leases are per owner")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anExpiredLeaseIsTakenOverAndItsHolderIsFencedOff(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            // `a` is paused past its lease (0 s), `b` takes over.
            let stale = try #require(try await store.acquireLease(Self.owner, holder: "a", seconds: 0))
            let fresh = try #require(try await store.acquireLease(Self.owner, holder: "b", seconds: 60))
            #expect(fresh.epoch == stale.epoch + 1)
            #expect((fresh.takenOverAfter ?? -1) >= 0, "taken over from a holder whose lease ran out")
            #expect(try await store.renewLeases(holder: "a", seconds: 60).isEmpty, "an expired lease is not renewed")
            var train = Train(id: Self.train)
            let actions = train.apply(
                .changeEnqueued(
                    Change(number: 1, head: SHA(String(repeating: "a", count: 40)), enqueuedAt: Instant(seconds: 1))))
            try await store.commit(
                train: Self.train, state: train, actions: actions, timers: [], finishing: nil, at: Instant(seconds: 2),
                fence: fresh)
            await #expect(throws: FencedError.self) {
                try await store.commit(
                    train: Self.train, state: Train(id: Self.train), actions: [.comment(change: 1, body: "stale")],
                    timers: [], finishing: nil, at: Instant(seconds: 3), fence: stale)
            }
            #expect(try await store.train(Self.train) == train, "the stale write changed nothing")
            var seen: [TrainAction] = []
            while let row = try await store.nextOutbox(owner: Self.owner, now: Instant(seconds: 5)) {
                seen.append(row.action)
                try await store.finishOutbox(row.id, at: Instant(seconds: 5))
            }
            #expect(seen == actions, "the stale write's actions were not stored")
        }
    }
}

/// Pruning the history, the same on both stores.
struct RetentionContractTests {
    static let owner = Owner.train(TrainID(forge: "gitlab", project: "group/app", target: "main"))

    @Test(arguments: StoreKind.allCases)
    func onlyFinishedRowsOlderThanTheCutoffGoInBatches(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            for index in 0..<5 {
                _ = try await store.insert(
                    StoreContractTests.delivery("old-\(index)"), owner: Self.owner, at: Instant(seconds: 10))
            }
            _ = try await store.insert(
                StoreContractTests.delivery("waiting"), owner: Self.owner, at: Instant(seconds: 10))
            _ = try await store.insert(
                StoreContractTests.delivery("recent"), owner: Self.owner, at: Instant(seconds: 10))
            for id in 1...5 { try await store.finishInbox(Int64(id), outcome: "applied", at: Instant(seconds: 100)) }
            try await store.finishInbox(7, outcome: "applied", at: Instant(seconds: 5_000))
            let train = TrainID(forge: "gitlab", project: "group/app", target: "main")
            try await store.commit(
                train: train, state: nil, actions: [.comment(change: 1, body: "a"), .comment(change: 1, body: "b")],
                finishing: nil, at: Instant(seconds: 10))
            let first = try #require(try await store.nextOutbox(owner: Self.owner, now: Instant(seconds: 10)))
            try await store.finishOutbox(first.id, at: Instant(seconds: 100))

            #expect(try await store.pruneHistory(before: Instant(seconds: 1_000), limit: 2) == 3, "2 inbox + 1 outbox")
            #expect(try await store.pruneHistory(before: Instant(seconds: 1_000), limit: 2) == 2)
            #expect(try await store.pruneHistory(before: Instant(seconds: 1_000), limit: 2) == 1)
            #expect(try await store.pruneHistory(before: Instant(seconds: 1_000), limit: 2) == 0)
            let keys = try await store.recentDeliveries(limit: 10).map(\.key)
            #expect(keys == ["recent", "waiting"], "unfinished and recent rows stay")
            #expect(
                try await store.nextOutbox(owner: Self.owner, now: Instant(seconds: 10))?.action
                    == .comment(
                        change: 1, body: "b"))
        }
    }
}

import Foundation
import Testing
import TrainyardCore
import TrainyardEngine

@testable import TrainyardStore

/// The backlog `/readyz` and `/metrics` read, the same on both stores: unfinished rows counted,
/// and the wait of the longest-waiting due row measured from when it became due.
struct BacklogContractTests {
    static let train = StoreContractTests.train

    @Test(arguments: StoreKind.allCases)
    func anEmptyStoreHasNoBacklog(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let backlog = try await test.store.backlog(now: Instant(seconds: 100))
            #expect(backlog == StoreBacklog(inbox: 0, inboxWaitingSince: nil, outbox: 0, outboxWaitingSince: nil))
            #expect(backlog.inboxAge(at: Instant(seconds: 100)) == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func rowsWaitFromWhenTheyBecameDueAndFinishedOnesDoNotCount(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            let owner = Owner.train(Self.train)
            _ = try await store.insert(StoreContractTests.delivery("a"), owner: owner, at: Instant(seconds: 10))
            _ = try await store.insert(StoreContractTests.delivery("b"), owner: owner, at: Instant(seconds: 20))
            _ = try await store.insert(StoreContractTests.delivery("unrouted"), owner: nil, at: Instant(seconds: 30))
            try await store.commit(
                train: Self.train, state: nil,
                actions: [.comment(change: 1, body: "one"), .comment(change: 1, body: "two")],
                finishing: nil, at: Instant(seconds: 15))

            var backlog = try await store.backlog(now: Instant(seconds: 40))
            #expect(backlog.inbox == 3 && backlog.outbox == 2)
            #expect(backlog.inboxWaitingSince == Instant(seconds: 10))
            #expect(backlog.inboxAge(at: Instant(seconds: 40)) == 30)
            #expect(backlog.outboxWaitingSince == Instant(seconds: 15))

            // `a` backs off until 100: it does not wait before then, and waits from 100 after.
            let first = try #require(try await store.nextInbox(owner: owner, now: Instant(seconds: 40)))
            try await store.retryInbox(first.id, error: "forge down", notBefore: Instant(seconds: 100))
            backlog = try await store.backlog(now: Instant(seconds: 40))
            #expect(backlog.inbox == 3 && backlog.inboxWaitingSince == Instant(seconds: 20))
            backlog = try await store.backlog(now: Instant(seconds: 120))
            #expect(backlog.inboxWaitingSince == Instant(seconds: 20), "b has waited longer than a")

            let second = try #require(try await store.nextInbox(owner: owner, now: Instant(seconds: 120)))
            try await store.finishInbox(second.id, outcome: "applied", at: Instant(seconds: 121))
            let action = try #require(try await store.nextOutbox(owner: owner, now: Instant(seconds: 121)))
            try await store.finishOutbox(action.id, at: Instant(seconds: 121))
            backlog = try await store.backlog(now: Instant(seconds: 130))
            #expect(backlog.inbox == 2 && backlog.outbox == 1)
            #expect(backlog.outboxAge(at: Instant(seconds: 130)) == 115, "two has waited since it was stored")
        }
    }
}

import Foundation
import Synchronization
import Testing
import TrainyardCore
import TrainyardEngine

@testable import TrainyardStore

/// Intake's group commit against both stores: a batch is stored as the single inserts would
/// have been, and concurrent deliveries share transactions without losing or mixing up any.
struct GroupCommitContractTests {
    static let owner = StoreContractTests.owner
    static let other = StoreContractTests.other

    static func entry(_ key: String, owner: Owner?, outcome: String? = nil) -> InboxEntry {
        InboxEntry(delivery: StoreContractTests.delivery(key), owner: owner, outcome: outcome, at: Instant(seconds: 5))
    }

    @Test(arguments: StoreKind.allCases)
    func aBatchStoresEachDeliveryOnceInOrder(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            let earlier = try await store.insert(StoreContractTests.delivery("z"), owner: nil, at: Instant(seconds: 1))
            let results = try await store.insert([
                Self.entry("a", owner: Self.owner),
                Self.entry("b", owner: nil, outcome: "ignored: Job Hook"),
                Self.entry("a", owner: Self.other),
                Self.entry("c", owner: Self.other),
                Self.entry("z", owner: Self.owner),
            ])
            #expect(results.count == 5)
            #expect(results[2] == .duplicate && results[4] == .duplicate)
            let ids = [results[0], results[1], results[3]].compactMap { result -> Int64? in
                if case .stored(let id) = result { return id }
                return nil
            }
            #expect(ids.count == 3 && Set(ids).count == 3)
            #expect(ids.allSatisfy { result in earlier != .stored(result) })
            let records = try await store.recentDeliveries(limit: 10)
            #expect(records.map(\.key) == ["c", "b", "a", "z"])
            #expect(records.first { $0.key == "b" }?.outcome == "ignored: Job Hook")
            #expect(records.first { $0.key == "a" }?.outcome == nil)
            // The finished row is nobody's work; the others went to the owners given with them.
            #expect(try await store.unroutedInbox(limit: 10).map(\.delivery.key) == ["z"])
            #expect(try await store.nextInbox(owner: Self.owner, now: Instant(seconds: 9))?.delivery.key == "a")
            #expect(try await store.nextInbox(owner: Self.other, now: Instant(seconds: 9))?.delivery.key == "c")
        }
    }

    /// While the first transaction is held open, 63 more deliveries arrive: they are written
    /// together in the second, and each caller gets its own row.
    @Test(arguments: StoreKind.allCases)
    func concurrentDeliveriesShareTransactions(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            let gate = Gate()
            let batchSizes = Mutex<[Int]>([])
            let intake = GroupCommit { entries in
                batchSizes.withLock { $0.append(entries.count) }
                await gate.pass()
                return try await store.insert(entries)
            }
            let results = try await withThrowingTaskGroup(of: (String, InboxInsert).self) { group in
                group.addTask { ("d0", try await intake.write(Self.entry("d0", owner: Self.owner))) }
                while batchSizes.withLock({ $0.isEmpty }) { await Task.yield() }
                for index in 1..<64 {
                    group.addTask { ("d\(index)", try await intake.write(Self.entry("d\(index)", owner: Self.owner))) }
                }
                while intake.waitingCount < 63 { try await Task.sleep(for: .milliseconds(1)) }
                await gate.open()
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(batchSizes.withLock { $0 } == [1, 63])
            #expect(intake.batchCount == 2)
            let stored = Set(
                results.values.compactMap { result -> Int64? in
                    if case .stored(let id) = result { return id }
                    return nil
                })
            #expect(stored.count == 64)
            let records = try await store.recentDeliveries(limit: 100)
            #expect(Set(records.map(\.key)) == Set(results.keys))
            #expect(Set(records.map(\.id)) == stored)
            for record in records { #expect(results[record.key] == .stored(record.id)) }
        }
    }
}

/// Holds callers until it is opened.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func pass() async {
        guard !isOpen else { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}

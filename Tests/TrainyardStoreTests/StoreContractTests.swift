import Foundation
import Testing
import TrainyardCore
import TrainyardEngine

@testable import TrainyardStore

/// One contract for every store: the same tests run unchanged against SQLite and PostgreSQL.
struct StoreContractTests {
    static let train = TrainID(forge: "gitlab", project: "group/app", target: "main")
    static let otherTrain = TrainID(forge: "gitlab", project: "group/app", target: "release")
    static let owner = Owner.train(train)
    static let other = Owner.train(otherTrain)

    static func delivery(_ key: String) -> Delivery {
        Delivery(
            source: "gitlab", key: key, kind: "Push Hook",
            event: .push(PushEvent(project: ProjectKey(forge: "gitlab", path: "group/app"), branch: "main", after: nil))
        )
    }

    @Test(arguments: StoreKind.allCases)
    func duplicateDeliveriesAreRecognisedByKey(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            let first = try await store.insert(Self.delivery("uuid-1"), owner: Self.owner, at: Instant(seconds: 1))
            let again = try await store.insert(Self.delivery("uuid-1"), owner: Self.owner, at: Instant(seconds: 2))
            let other = try await store.insert(Self.delivery("uuid-2"), owner: nil, at: Instant(seconds: 3))
            #expect(first == .stored(1))
            #expect(again == .duplicate)
            #expect(other != .duplicate && other != first)
            #expect(try await store.recentDeliveries(limit: 10).map(\.key) == ["uuid-2", "uuid-1"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func inboxRowsComeOutInOrderPerOwnerAndRetriesWaitTheirTurn(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            _ = try await store.insert(Self.delivery("a"), owner: Self.owner, at: Instant(seconds: 1))
            _ = try await store.insert(Self.delivery("b"), owner: Self.owner, at: Instant(seconds: 1))
            _ = try await store.insert(Self.delivery("c"), owner: Self.other, at: Instant(seconds: 1))
            _ = try await store.insert(Self.delivery("unrouted"), owner: nil, at: Instant(seconds: 1))
            let first = try #require(try await store.nextInbox(owner: Self.owner, now: Instant(seconds: 10)))
            #expect(first.delivery.key == "a" && first.owner == Self.owner)
            try await store.retryInbox(first.id, error: "forge down", notBefore: Instant(seconds: 20))
            let second = try #require(try await store.nextInbox(owner: Self.owner, now: Instant(seconds: 10)))
            #expect(second.delivery.key == "b")
            #expect(try await store.nextInbox(owner: Self.other, now: Instant(seconds: 10))?.delivery.key == "c")
            try await store.finishInbox(second.id, outcome: "applied", at: Instant(seconds: 11))
            #expect(try await store.nextInbox(owner: Self.owner, now: Instant(seconds: 15)) == nil)
            #expect(try await store.nextWake(owner: Self.owner) == Instant(seconds: 20))
            let retried = try #require(try await store.nextInbox(owner: Self.owner, now: Instant(seconds: 20)))
            #expect(retried.delivery.key == "a" && retried.attempts == 1)
            #expect(try await store.nextInbox(owner: nil, now: Instant(seconds: 20))?.delivery.key == "a")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func unroutedRowsAreRoutedOnce(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            _ = try await store.insert(Self.delivery("old"), owner: nil, at: Instant(seconds: 1))
            #expect(try await store.nextInbox(owner: nil, now: Instant(seconds: 2)) == nil, "unrouted rows wait")
            let unrouted = try await store.unroutedInbox(limit: 10)
            #expect(unrouted.map(\.delivery.key) == ["old"])
            try await store.route(inbox: unrouted[0].id, to: Self.other)
            #expect(try await store.unroutedInbox(limit: 10).isEmpty)
            #expect(try await store.nextInbox(owner: Self.other, now: Instant(seconds: 2))?.delivery.key == "old")
            #expect(try await store.activeOwners() == [Self.other])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func commitSavesStateActionsTimersAndFinishesTheRowTogether(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            _ = try await store.insert(Self.delivery("a"), owner: Self.owner, at: Instant(seconds: 1))
            var train = Train(id: Self.train)
            let actions = train.apply(
                .changeEnqueued(
                    Change(number: 4, head: SHA(String(repeating: "a", count: 40)), enqueuedAt: Instant(seconds: 1))))
            try await store.commit(
                train: Self.train, state: train, actions: actions,
                timers: [TimerChange(owner: Self.owner, name: TrainTimer.poll, .set(Instant(seconds: 30)))],
                finishing: .inbox(1, outcome: "applied"), at: Instant(seconds: 2))
            #expect(try await store.train(Self.train) == train)
            #expect(try await store.nextInbox(owner: Self.owner, now: Instant(seconds: 5)) == nil)
            #expect(try await store.activeOwners() == [Self.owner])
            var seen: [TrainAction] = []
            while let row = try await store.nextOutbox(owner: Self.owner, now: Instant(seconds: 5)) {
                #expect(row.train == Self.train)
                seen.append(row.action)
                try await store.finishOutbox(row.id, at: Instant(seconds: 5))
            }
            #expect(seen == actions)
            #expect(try await store.nextWake(owner: Self.owner) == Instant(seconds: 30))
            #expect(try await store.recentDeliveries(limit: 10).first?.outcome == "applied")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func actionsOfOneTrainRunInOrderEvenAcrossRetries(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            try await store.commit(
                train: Self.train, state: nil,
                actions: [.comment(change: 1, body: "one"), .comment(change: 1, body: "two")],
                finishing: nil, at: Instant(seconds: 1))
            try await store.commit(
                train: Self.otherTrain, state: nil, actions: [.comment(change: 2, body: "other")], finishing: nil,
                at: Instant(seconds: 1))
            let first = try #require(try await store.nextOutbox(owner: nil, now: Instant(seconds: 1)))
            #expect(first.action == .comment(change: 1, body: "one"))
            try await store.retryOutbox(first.id, error: "429", notBefore: Instant(seconds: 60))
            #expect(try await store.nextOutbox(owner: Self.owner, now: Instant(seconds: 2)) == nil, "two waits")
            #expect(try await store.nextWake(owner: Self.owner) == Instant(seconds: 60))
            let next = try #require(try await store.nextOutbox(owner: nil, now: Instant(seconds: 2)))
            #expect(next.action == .comment(change: 2, body: "other"), "the other train goes on")
            try await store.finishOutbox(next.id, at: Instant(seconds: 2))
            #expect(try await store.nextOutbox(owner: nil, now: Instant(seconds: 2)) == nil)
            let due = try #require(try await store.nextOutbox(owner: Self.owner, now: Instant(seconds: 60)))
            #expect(due.action == .comment(change: 1, body: "one") && due.attempts == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func timersAreSetMovedAndFiredByTheirRules(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            func timer(_ name: String, _ kind: TimerChange.Kind, _ owner: Owner = Self.owner) -> TimerChange {
                TimerChange(owner: owner, name: name, kind)
            }
            try await store.setTimers([
                timer("wake", .set(Instant(seconds: 50))), timer("wake", .set(Instant(seconds: 40))),
                timer("budget", .earliest(Instant(seconds: 30))), timer("budget", .earliest(Instant(seconds: 35))),
                timer("poll", .ifAbsent(Instant(seconds: 20))), timer("poll", .ifAbsent(Instant(seconds: 25))),
                timer("poll", .set(Instant(seconds: 5)), Self.other),
            ])
            #expect(try await store.nextWake(owner: Self.owner) == Instant(seconds: 20))
            let due = try await store.dueTimers(now: Instant(seconds: 35), owner: Self.owner)
            #expect(due.map(\.name) == ["poll", "budget"])
            #expect(try await store.dueTimers(now: Instant(seconds: 35), owner: nil).count == 3)
            // A timer moved later after it fired is kept; one that fired is taken off.
            try await store.setTimers([timer("budget", .set(Instant(seconds: 90)))])
            try await store.setTimers(due.map { TimerChange(owner: $0.owner, name: $0.name, .fired($0.due)) })
            #expect(
                try await store.dueTimers(now: Instant(seconds: 100), owner: Self.owner).map(\.name) == [
                    "wake", "budget",
                ])
            try await store.setTimers([timer("wake", .clear), timer("budget", .clear)])
            #expect(try await store.nextWake(owner: Self.owner) == nil)
            #expect(try await store.activeOwners() == [Self.other])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func stateSurvivesReopening(kind: StoreKind) async throws {
        var test = try await TestStore.make(kind)
        _ = try await test.store.insert(Self.delivery("kept"), owner: Self.owner, at: Instant(seconds: 1))
        try await test.store.commit(
            train: Self.train, state: Train(id: Self.train), actions: [],
            timers: [TimerChange(owner: Self.owner, name: "poll", .set(Instant(seconds: 9)))], finishing: nil,
            at: Instant(seconds: 1))
        test = try await test.reopened()
        let store = test.store
        #expect(try await store.nextInbox(owner: Self.owner, now: Instant(seconds: 2))?.delivery.key == "kept")
        #expect(try await store.trains().map(\.id) == [Self.train])
        #expect(try await store.insert(Self.delivery("kept"), owner: Self.owner, at: Instant(seconds: 3)) == .duplicate)
        #expect(try await store.dueTimers(now: Instant(seconds: 9), owner: nil).map(\.name) == ["poll"])
        try await test.close()
    }

    @Test(arguments: StoreKind.allCases)
    func rowsThatCannotBeDecodedAreMovedAsideAndStallNothing(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            let key = Self.owner.key
            try await test.raw(
                """
                INSERT INTO inbox (source, key, kind, owner, delivery, received_at)
                VALUES ('gitlab', 'bad', 'Push Hook', '\(key)', '{"not": "a delivery"}', 1)
                """)
            try await test.raw(
                """
                INSERT INTO inbox (source, key, kind, owner, delivery, received_at)
                VALUES ('gitlab', 'future', 'Push Hook', '\(key)', '{"trainyard_format": 99, "value": {}}', 1)
                """)
            _ = try await store.insert(Self.delivery("good"), owner: Self.owner, at: Instant(seconds: 1))
            try await test.raw(
                "INSERT INTO trains (train, state, version, updated_at) VALUES ('\(Self.otherTrain)', '[1,2]', 1, 1)")
            try await test.raw(
                """
                INSERT INTO outbox (train, train_id, action, created_at)
                VALUES ('\(key)', '{"forge":"gitlab","project":"group/app","target":"main"}', '{"launch":{}}', 1)
                """)
            try await store.commit(
                train: Self.train, state: nil, actions: [.comment(change: 1, body: "after")], finishing: nil,
                at: Instant(seconds: 1))

            #expect(try await store.nextInbox(owner: Self.owner, now: Instant(seconds: 2))?.delivery.key == "good")
            #expect(try await store.trains().isEmpty)
            #expect(
                try await store.nextOutbox(owner: Self.owner, now: Instant(seconds: 2))?.action
                    == .comment(
                        change: 1, body: "after"))
            let moved = try await store.quarantined(limit: 10)
            #expect(Set(moved.map(\.kind)) == ["inbox", "train", "outbox"])
            #expect(moved.count == 4)
            #expect(moved.contains { $0.error.contains("format 99") && $0.error.contains("newer release") })
            #expect(moved.contains { $0.payload == "[1,2]" && $0.reference == Self.otherTrain.description })
            let outcomes = try await store.recentDeliveries(limit: 10).compactMap(\.outcome)
            #expect(outcomes.filter { $0.hasPrefix("undecodable") }.count == 2)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func refusesANewerSchemaAndSaysWhatToRun(kind: StoreKind) async throws {
        let test = try await TestStore.make(kind)
        switch kind {
        case .sqlite: try await test.raw("PRAGMA user_version = 99")
        case .postgres:
            try await test.raw("INSERT INTO schema_migrations (version, name, finished_at) VALUES (99, 'x', now())")
        }
        try await test.close()
        await #expect {
            _ = try await TestStore.connect(kind, test.location)
        } throws: { error in
            "\(error)".contains("schema version 99, newer than this Trainyard knows")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentCallsAreAllStored(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        _ = try await store.insert(
                            Self.delivery("k\(index)"), owner: Self.owner, at: Instant(seconds: 1))
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.recentDeliveries(limit: 100).count == 50)
            #expect(await store.transactionCount() >= 50)
        }
    }
}

import Foundation
import Testing
import TrainyardCore
import TrainyardEngine

@testable import TrainyardStore

/// The decision log on both stores: written in the same transaction as the train, read back by
/// project with filters and pages, and pruned with the rest of the history.
struct DecisionLogContractTests {
    static let main = TrainID(forge: "gitlab", project: "group/app", target: "main")
    static let release = TrainID(forge: "gitlab", project: "group/app", target: "release")
    static let elsewhere = TrainID(forge: "gitlab", project: "group/other", target: "main")

    static func log(_ store: any EngineStore, _ train: TrainID, _ decisions: [Decision], at seconds: Int64) async throws
    {
        try await store.commit(
            train: train, state: Train(id: train), actions: [], decisions: decisions, timers: [], finishing: nil,
            at: Instant(seconds: seconds))
    }

    @Test(arguments: StoreKind.allCases)
    func decisionsAreReadBackByProjectTargetChangeAndTimeNewestFirst(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            try await Self.log(
                store, Self.main,
                [
                    Decision(kind: .queued, changes: [12], reason: "Queued at position 1 of 1.", by: "@alice"),
                    Decision(kind: .carBuilt, changes: [12], car: 1, reason: "Car 1 holds !12."),
                ], at: 100)
            try await Self.log(
                store, Self.release, [Decision(kind: .queued, changes: [112], reason: "Queued.", by: "@bob")], at: 200)
            try await Self.log(
                store, Self.main,
                [Decision(kind: .passed, changes: [12, 120], car: 2, pipeline: 7, reason: "Pipeline #7 passed.")],
                at: 300)
            try await Self.log(
                store, Self.elsewhere, [Decision(kind: .queued, changes: [12], reason: "Queued.")], at: 400)

            let all = try await store.decisions(DecisionQuery(forge: "gitlab", project: "group/app"))
            #expect(all.map(\.decision.kind) == [.passed, .queued, .carBuilt, .queued])
            #expect(all.map(\.id) == all.map(\.id).sorted(by: >))
            #expect(all.first?.decision.pipeline == 7 && all.first?.at == Instant(seconds: 300))
            #expect(all.last?.decision.by == "@alice" && all.last?.target == "main")

            let change = try await store.decisions(DecisionQuery(forge: "gitlab", project: "group/app", change: 12))
            #expect(change.map(\.decision.kind) == [.passed, .carBuilt, .queued], "!112 and !120 are other changes")
            let target = try await store.decisions(
                DecisionQuery(forge: "gitlab", project: "group/app", target: "release"))
            #expect(target.map(\.decision.changes) == [[112]])
            let since = try await store.decisions(
                DecisionQuery(forge: "gitlab", project: "group/app", since: Instant(seconds: 200)))
            #expect(since.count == 2)

            let first = try await store.decisions(DecisionQuery(forge: "gitlab", project: "group/app", limit: 3))
            #expect(first.count == 3)
            let rest = try await store.decisions(
                DecisionQuery(forge: "gitlab", project: "group/app", before: first.last?.id, limit: 3))
            #expect(rest.map(\.decision.kind) == [.queued] && rest.first?.decision.by == "@alice")

            // What is new since a last look: ids above `after`, newest first.
            let oldest = try #require(all.last?.id)
            let newer = try await store.decisions(DecisionQuery(forge: "gitlab", project: "group/app", after: oldest))
            #expect(newer.map(\.id) == Array(all.map(\.id).dropLast()))
            let between = try await store.decisions(
                DecisionQuery(forge: "gitlab", project: "group/app", before: all.first?.id, after: oldest))
            #expect(between.map(\.decision.kind) == [.queued, .carBuilt])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aFencedCommitThatIsRefusedLogsNothingAndOldDecisionsArePruned(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            let owner = Owner.train(Self.main)
            let lease = try #require(try await store.acquireLease(owner, holder: "a", seconds: 30))
            try await store.releaseLease(lease)
            _ = try #require(try await store.acquireLease(owner, holder: "b", seconds: 30))
            await #expect(throws: FencedError.self) {
                try await store.commit(
                    train: Self.main, state: Train(id: Self.main), actions: [],
                    decisions: [Decision(kind: .paused, reason: "Paused: stale.", by: "@a")], timers: [],
                    finishing: nil, at: Instant(seconds: 10), fence: lease)
            }
            #expect(try await store.decisions(DecisionQuery(forge: "gitlab", project: "group/app")).isEmpty)

            try await Self.log(store, Self.main, [Decision(kind: .paused, reason: "Paused: freeze.", by: "@m")], at: 10)
            try await Self.log(store, Self.main, [Decision(kind: .resumed, reason: "Resumed.", by: "@m")], at: 5_000)
            _ = try await store.pruneHistory(before: Instant(seconds: 1_000), limit: 100)
            let left = try await store.decisions(DecisionQuery(forge: "gitlab", project: "group/app"))
            #expect(left.map(\.decision.kind) == [.resumed])
        }
    }
}

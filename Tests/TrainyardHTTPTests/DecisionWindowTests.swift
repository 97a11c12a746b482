import Foundation
import Logging
import Testing
import TrainyardCore
import TrainyardEngine

@testable import TrainyardHTTP
@testable import TrainyardStore

/// The dashboard's kept decisions: read once, then only what is new, per target, and forgotten
/// once older than the charts' span; always the same as reading them all again.
struct DecisionWindowTests {
    static let project = ProjectKey(forge: "gitlab", path: "group/app")

    static func log(_ store: SQLiteStore, _ target: String, _ kind: Decision.Kind, change: Int, at seconds: Int64)
        async throws
    {
        let id = TrainID(forge: "gitlab", project: "group/app", target: target)
        try await store.commit(
            train: id, state: nil, actions: [], decisions: [Decision(kind: kind, changes: [change], reason: "r")],
            timers: [], finishing: nil, at: Instant(seconds: seconds))
    }

    @Test func newDecisionsAreAddedAndOldOnesForgotten() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("window-\(UUID().uuidString)/t.db").path
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
        let main = TrainID(forge: "gitlab", project: "group/app", target: "main")
        let release = TrainID(forge: "gitlab", project: "group/app", target: "release")
        for step in 0..<7 {
            try await Self.log(store, step % 2 == 0 ? "main" : "release", .queued, change: step, at: 100 + Int64(step))
        }
        let window = DecisionWindow(store: store)
        try await window.refresh(Self.project, since: Instant(seconds: 0))
        #expect(await window.records(of: main).map(\.decision.changes) == [[0], [2], [4], [6]])
        #expect(await window.records(of: release).map(\.decision.changes) == [[1], [3], [5]])

        try await Self.log(store, "main", .landed, change: 0, at: 200)
        try await window.refresh(Self.project, since: Instant(seconds: 103))
        let kept = await window.records(of: main)
        #expect(kept.map(\.decision.changes) == [[4], [6], [0]], "older than `since` forgotten, the new one added")
        let everything = try await store.decisions(
            DecisionQuery(forge: "gitlab", project: "group/app", target: "main", since: Instant(seconds: 103)))
        #expect(kept.map(\.id) == everything.map(\.id).reversed(), "the same as reading them all again")
        #expect(await window.records(of: release).map(\.decision.changes) == [[3], [5]])
        try await store.close()
    }
}

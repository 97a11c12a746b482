import Foundation
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardStore

/// Comment commands in the shared grammar, through the engine with a real SQLite store: options,
/// the stricter role for train control, and replies to what could not be read.
struct CommentCommandTests {
    static let train = TrainID(forge: "gitlab", project: "group/app", target: "main")

    /// Runs one comment by user 77 with access `level`; returns the notes posted and the train.
    static func comment(_ body: String, level: Int = 30, before: [String] = []) async throws -> ([String], Train?) {
        let ports = RecordingPorts()
        await ports.setMergeRequest(TrainEngineTests.openRequest(1))
        await ports.setAccessLevel(level, for: 77)
        await ports.setAccessLevel(40, for: 1)
        let (engine, store) = try await TrainEngineTests.engine(ports, clock: TrainEngineTests.Clock())
        for earlier in before {
            _ = try await engine.accept(TrainEngineTests.comment(earlier, authorID: 1))
            try await engine.drain()
        }
        _ = try await engine.accept(TrainEngineTests.comment(body, authorID: 77))
        try await engine.drain()
        let notes = await ports.calls.filter { $0.hasPrefix("comment:") }.map { String($0.dropFirst(8)) }
        let train = try await store.train(Self.train)
        try await store.close()
        return (notes, train)
    }

    @Test(arguments: [
        ("@trainyard merge p=5", 5, false), ("@trainyard r+ p=-3", -3, false), ("/merge", 0, false),
        ("@trainyard merge skip-line", 0, true),
    ])
    func mergeOptionsReachTheQueue(body: String, priority: Int, skipLine: Bool) async throws {
        let (_, train) = try await Self.comment(body, level: 40)
        let change = try #require(train?.queue.first)
        #expect(change.priority == priority && change.skipLine == skipLine)
    }

    @Test func skippingTheLineTakesTheControlRole() async throws {
        let (notes, train) = try await Self.comment("@trainyard merge skip-line", level: 30)
        #expect(train?.queue.isEmpty ?? true)
        #expect(
            notes == [
                "@alice cannot use `merge skip-line` in this project: that takes the Maintainer role or higher, and "
                    + "@alice has the Developer role. Ask a Maintainer of the project."
            ])
    }

    @Test func aMisspeltCommandGetsTheNearestOne() async throws {
        let (notes, train) = try await Self.comment("@trainyard mrege")
        #expect(train?.queue.isEmpty ?? true)
        #expect(
            notes == [
                "@alice: `mrege` is not a Trainyard command. Did you mean `@trainyard merge`? Comment "
                    + "`@trainyard help` for the list of commands."
            ])
    }

    @Test func pauseAndResumeFromAComment() async throws {
        let (notes, train) = try await Self.comment("@trainyard pause release freeze", level: 40)
        #expect(train?.pause?.reason == "release freeze" && train?.pause?.by == "@alice")
        #expect(notes.last?.hasPrefix("Paused the merge train of `main` (release freeze)") == true)
        let (_, resumed) = try await Self.comment(
            "@trainyard resume", level: 40, before: ["@trainyard pause freeze"])
        #expect(resumed != nil && resumed?.pause == nil)
        let (refused, kept) = try await Self.comment(
            "@trainyard resume", level: 30, before: ["@trainyard pause freeze"])
        #expect(kept?.pause?.reason == "freeze")
        #expect(refused.last?.contains("cannot use `resume`") == true)
    }

    @Test func helpStatusAndUnbuiltVerbs() async throws {
        let (help, _) = try await Self.comment("@trainyard help")
        #expect(help.count == 1 && help[0].contains("`@trainyard merge`") && help[0].contains("skip-line"))
        let (moved, reprioritized) = try await Self.comment("@trainyard p=3", before: ["@trainyard merge"])
        #expect(
            moved.last?.hasPrefix("@alice gave !1 priority 3") == true || moved.last?.contains("already in car") == true
        )
        #expect(reprioritized?.queue.map(\.number) == [1])
        let (retry, _) = try await Self.comment("@trainyard retry")
        #expect(retry.count == 1 && retry[0].hasPrefix("!1 has no failed car to run again"))
        let (trial, _) = try await Self.comment("@trainyard try")
        #expect(trial.first?.hasPrefix("@alice asked to try !1: car 1 tests it merged on top of `main`") == true)
        let (status, _) = try await Self.comment("@trainyard status", before: ["@trainyard merge"])
        #expect(status.last?.hasPrefix("!1: ") == true && status.last?.contains("position 1 of 1 on main") == true)
        let (alone, _) = try await Self.comment("@trainyard status")
        #expect(alone == ["!1 is not on the merge train of `main`."])
    }

    @Test func gitLabQuickActionsAreLeftAlone() async throws {
        let (notes, train) = try await Self.comment("/assign @bob\n/label ~bug")
        #expect(notes.isEmpty && train == nil)
    }
}

/// Commands from chat carry the mapped forge username; its role is read from the forge.
struct ChatCommandEngineTests {
    @Test func aChatUserWithoutAForgeUserIsRefusedAndAPauseNeedsTheControlRole() async throws {
        let ports = RecordingPorts()
        await ports.setMergeRequest(TrainEngineTests.openRequest(1))
        await ports.setUserID(7, for: "dev")
        await ports.setAccessLevel(30, for: 7)
        let (engine, store) = try await TrainEngineTests.engine(ports, clock: TrainEngineTests.Clock())
        let project = TrainEngineTests.project.key
        let ghost = CommandEvent(project: project, number: 1, command: .merge, by: "@ghost (Slack)", forgeUser: "ghost")
        _ = try await engine.accept(Delivery(source: "slack", key: "1", kind: "Slack merge", event: .command(ghost)))
        let pause = TrainCommandEvent(
            project: project, target: "main", action: .pause(reason: "freeze"), by: "@dev (Slack)", forgeUser: "dev")
        _ = try await engine.accept(
            Delivery(source: "slack", key: "2", kind: "Slack pause", event: .trainCommand(pause)))
        let merge = CommandEvent(project: project, number: 1, command: .merge, by: "@dev (Slack)", forgeUser: "dev")
        _ = try await engine.accept(Delivery(source: "slack", key: "3", kind: "Slack merge", event: .command(merge)))
        try await engine.drain()
        let outcomes = Dictionary(
            uniqueKeysWithValues: try await store.recentDeliveries(limit: 5).map { ($0.key, $0.outcome ?? "") })
        #expect(outcomes["1"] == "refused: the forge has no user `ghost`")
        #expect(
            outcomes["2"]
                == "refused: pausing and resuming take the Maintainer role or higher, and @dev (Slack) has the Developer role"
        )
        #expect(outcomes["3"] == "applied")
        let train = try await store.train(CommentCommandTests.train)
        #expect(train?.pause == nil && train?.queue.map(\.number) == [1])
        try await store.close()
    }
}

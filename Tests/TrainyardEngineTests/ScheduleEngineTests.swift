import Foundation
import Logging
import Synchronization
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardStore

/// Schedules in the engine with a real SQLite store and a test clock: DST edges, a restart in the
/// middle of a missed window, exactly one pipeline per slot, alerts and commands.
struct ScheduleEngineTests {
    /// A forge that creates scheduled pipelines and records them, and alert destinations that record.
    actor SchedulingPorts: SchedulingForge, AlertPort {
        var created: [[String: String]] = []
        var statuses: [Int: String] = [:]
        var failCreations = 0
        var sent: [String] = []

        nonisolated var destinations: [String] { ["slack"] }

        func createScheduledPipeline(
            project: ProjectSettings, ref: String, variables: [String: String], searchEarlier: Bool
        ) async throws -> ScheduledPipeline {
            if searchEarlier,
                let index = created.firstIndex(where: {
                    $0[ScheduleDefinition.slotVariable] == variables[ScheduleDefinition.slotVariable]
                })
            {
                return ScheduledPipeline(id: index + 1, webURL: nil, status: "running")
            }
            if failCreations > 0 {
                failCreations -= 1
                throw PermanentError("400 Reference not found")
            }
            created.append(variables)
            statuses[created.count] = "running"
            return ScheduledPipeline(
                id: created.count, webURL: "https://gitlab.example/p/\(created.count)", status: "pending")
        }

        func finish(_ id: Int, _ status: String) { statuses[id] = status }
        func failNextCreation() { failCreations = 1 }

        func send(_ message: ScheduleMessage, to destination: String) async throws {
            sent.append("\(message.kind): \(message.text)")
        }
    }

    /// The forge the engine knows: scheduling through `ports`, the rest unused.
    final class Forge: ForgePort, SchedulingForge {
        let ports: SchedulingPorts
        init(_ ports: SchedulingPorts) { self.ports = ports }
        func createScheduledPipeline(
            project: ProjectSettings, ref: String, variables: [String: String], searchEarlier: Bool
        ) async throws -> ScheduledPipeline {
            try await ports.createScheduledPipeline(
                project: project, ref: ref, variables: variables, searchEarlier: searchEarlier)
        }
        func pipeline(project: ProjectSettings, id: PipelineID) async throws -> (status: String, sha: SHA) {
            (await ports.statuses[id.value] ?? "running", SHA(String(repeating: "a", count: 40)))
        }
        func mergeRequest(project: ProjectSettings, number: Int) async throws -> MergeRequestInfo {
            throw PermanentError("unused")
        }
        /// alice is a Maintainer of every project, dave a Developer, eve a user who is no member.
        func accessLevel(project: ProjectSettings, userID: Int) async throws -> Int { [1: 40, 2: 30][userID] ?? 0 }
        func userID(project: ProjectSettings, username: String) async throws -> Int? {
            ["alice": 1, "dave": 2, "eve": 3][username]
        }
        func createPipeline(project: ProjectSettings, ref: String, commit: SHA) async throws -> (
            id: PipelineID, sha: SHA
        ) { throw PermanentError("unused") }
        func cancelPipeline(project: ProjectSettings, pipeline: PipelineID) async throws {}
        func setStatus(project: ProjectSettings, sha: SHA, state: CommitState, description: String) async throws {}
        func comment(project: ProjectSettings, number: Int, body: String, key: String) async throws {}
    }

    struct World {
        let engine: TrainEngine
        let store: SQLiteStore
        let ports: SchedulingPorts
        let clock: TrainEngineTests.Clock

        /// Fires every due wake-up at the clock's time, as the drivers would.
        func run() async throws {
            try await engine.drain()
            try await engine.tickWakeups(now: clock.value)
            try await engine.drain()
        }

        func at(_ time: String) async throws {
            clock.now.withLock { $0 = utc(time) }
            try await run()
        }
    }

    static func world(
        _ definitions: [ScheduleDefinition], start: String, path: String? = nil, ports: SchedulingPorts? = nil
    ) async throws -> World {
        let path =
            path
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("schedule-\(UUID().uuidString)/t.db").path
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
        let clock = TrainEngineTests.Clock()
        clock.now.withLock { $0 = utc(start) }
        let ports = ports ?? SchedulingPorts()
        let git = RecordingPorts()
        let engine = TrainEngine(
            store: store, git: git, forges: ["gitlab": Forge(ports)], projects: [], clock: { clock.value },
            logger: Logger(label: "test"), schedules: definitions, alerts: ports)
        try await engine.wakeSchedules()
        try await engine.tickWakeups(now: clock.value)
        return World(engine: engine, store: store, ports: ports, clock: clock)
    }

    static func nightly(
        _ cron: String = "30 2 * * *", zone: String = "Europe/Berlin", missed: ScheduleDefinition.Missed = .skip
    )
        -> ScheduleDefinition
    {
        ScheduleDefinition(
            name: "nightly", forge: "gitlab", project: "group/app", ref: "main", cron: cron, timeZone: zone,
            variables: ["SUITE": "full"], missed: missed)
    }

    @Test("across spring forward and fall back, each night gets exactly one pipeline at the promised time")
    func dstNights() async throws {
        let world = try await Self.world([Self.nightly()], start: "2026-03-27T12:00")
        for time in [
            "2026-03-28T01:30", "2026-03-28T01:31", "2026-03-29T00:59", "2026-03-29T01:00", "2026-03-29T01:05",
            "2026-03-30T00:30",
        ] {
            try await world.at(time)
        }
        let slots = await world.ports.created.map { $0[ScheduleDefinition.slotVariable] ?? "" }
        #expect(
            slots == [
                "slot@\(utc("2026-03-28T01:30").milliseconds)", "slot@\(utc("2026-03-29T01:00").milliseconds)",
                "slot@\(utc("2026-03-30T00:30").milliseconds)",
            ])
        #expect(await world.ports.created.allSatisfy { $0["TRAINYARD_SCHEDULE"] == "nightly" && $0["SUITE"] == "full" })

        let fall = try await Self.world(
            [Self.nightly("30 1 * * *", zone: "America/New_York")], start: "2026-10-31T12:00")
        for time in ["2026-11-01T05:30", "2026-11-01T06:30", "2026-11-01T06:31", "2026-11-02T06:30"] {
            try await fall.at(time)
        }
        #expect(await fall.ports.created.count == 2, "01:30 EST on the fall-back night is not run again")
        try await world.store.close()
        try await fall.store.close()
    }

    @Test("a restart in the middle of a missed window applies the policy once, and never repeats a slot")
    func restartMidWindow() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("schedule-\(UUID().uuidString)/t.db")
            .path
        let ports = SchedulingPorts()
        let hourly = Self.nightly("0 * * * *", zone: "UTC", missed: .once)
        let first = try await Self.world([hourly], start: "2026-05-01T09:30", path: path, ports: ports)
        try await first.at("2026-05-01T10:00")
        #expect(await ports.created.count == 1)
        try await first.store.close()
        // Down from 10:00 to 13:20: 11:00, 12:00 and 13:00 are missed; `once` runs one for them.
        let second = try await Self.world([hourly], start: "2026-05-01T13:20", path: path, ports: ports)
        try await second.run()
        #expect(await ports.created.count == 2)
        #expect(
            await ports.created.last?[ScheduleDefinition.slotVariable] == "slot@\(utc("2026-05-01T13:00").milliseconds)"
        )
        try await second.store.close()
        // Down again at once: nothing is run twice, and 14:00 runs on time.
        let third = try await Self.world([hourly], start: "2026-05-01T13:21", path: path, ports: ports)
        try await third.at("2026-05-01T14:00")
        #expect(await ports.created.count == 3)
        let stored = try #require(try await third.store.schedule(named: "nightly"))
        #expect(stored.log.contains { $0.text.contains("missed 3 slots") && $0.text.contains("missed: once") })
        #expect(try await third.store.claims(schedule: "nightly").count == 3)
        try await third.store.close()
    }

    @Test("a failed scheduled pipeline raises one alert; the next success sends a recovery")
    func alerts() async throws {
        let world = try await Self.world([Self.nightly("0 * * * *", zone: "UTC")], start: "2026-05-01T09:30")
        try await world.at("2026-05-01T10:00")
        await world.ports.finish(1, "failed")
        try await world.at("2026-05-01T10:01")
        await world.ports.failNextCreation()
        try await world.at("2026-05-01T11:00")
        try await world.at("2026-05-01T12:00")
        await world.ports.finish(2, "success")
        try await world.at("2026-05-01T12:01")
        #expect(
            await world.ports.sent == [
                "failing: Schedule `nightly` (group/app, `main`) is failing: pipeline #1 failed.",
                "recovered: Schedule `nightly` (group/app, `main`) recovered: pipeline #2 passed after 2 failed runs.",
            ])
        let stored = try #require(try await world.store.schedule(named: "nightly"))
        #expect(stored.runs.map(\.state) == [.failed, .notCreated, .success])
        #expect(stored.alert == nil && stored.notices.isEmpty)
        try await world.store.close()
    }

    @Test("run, pause and resume arrive as commands; an unknown schedule is refused")
    func commands() async throws {
        let world = try await Self.world([Self.nightly("0 * * * *", zone: "UTC")], start: "2026-05-01T09:30")
        func command(_ name: String, _ action: ScheduleCommandEvent.Action) async throws {
            _ = try await world.engine.accept(
                Delivery(
                    source: "api", key: UUID().uuidString, kind: "API schedule",
                    event: .scheduleCommand(ScheduleCommandEvent(name: name, action: action, by: "carol (API)"))))
            try await world.run()
        }
        try await command("nightly", .run)
        #expect(await world.ports.created.count == 1)
        try await command("nightly", .pause)
        try await world.at("2026-05-01T12:00")
        #expect(await world.ports.created.count == 1, "paused")
        try await command("nightly", .resume)
        try await world.at("2026-05-01T13:00")
        #expect(await world.ports.created.count == 2)
        try await command("weekly", .run)
        let outcome = try await world.store.recentDeliveries(limit: 1).first?.outcome
        #expect(outcome == "failed: no schedule named weekly")
        try await world.store.close()
    }

    @Test("a Pipeline Hook of a scheduled pipeline finishes its run at once and alerts without waiting for a look")
    func pipelineHooksReachTheSchedule() async throws {
        let world = try await Self.world([Self.nightly("0 * * * *", zone: "UTC")], start: "2026-05-01T09:30")
        _ = try await world.engine.accept(
            Delivery(
                source: "api", key: "run", kind: "API schedule",
                event: .scheduleCommand(ScheduleCommandEvent(name: "nightly", action: .run, by: "carol (API)"))))
        try await world.run()
        let claim = try #require(await world.ports.created.first?[ScheduleDefinition.slotVariable])
        func hook(_ key: String, pipeline: Int, claim: String, project: String = "group/app") -> Delivery {
            var event = PipelineEvent(
                project: ProjectKey(forge: "gitlab", path: project), pipeline: PipelineID(pipeline), ref: "main",
                sha: SHA(String(repeating: "b", count: 40)), status: "failed", source: "api")
            event.scheduled = ScheduledPipelineMark(schedule: "nightly", claim: claim)
            return Delivery(source: "gitlab", key: key, kind: "Pipeline Hook", event: .pipeline(event))
        }
        for (key, delivery) in [
            ("other-claim", hook("other-claim", pipeline: 1, claim: "slot@1")),
            ("other-pipeline", hook("other-pipeline", pipeline: 7, claim: claim)),
            ("other-project", hook("other-project", pipeline: 1, claim: claim, project: "group/other")),
        ] {
            _ = try await world.engine.accept(delivery)
            try await world.engine.drain()
            let outcome = try await world.store.recentDeliveries(limit: 1).first?.outcome
            #expect(outcome == "not a pipeline of this schedule's runs", "\(key)")
        }
        _ = try await world.engine.accept(hook("failed", pipeline: 1, claim: claim))
        try await world.engine.drain()
        #expect(try await world.store.recentDeliveries(limit: 1).first?.outcome == "applied")
        #expect(try await world.store.schedule(named: "nightly")?.runs.map(\.state) == [.failed])
        let sent = await world.ports.sent
        #expect(sent.count == 1 && sent.first?.hasPrefix("failing: ") == true, "\(sent)")
        try await world.store.close()
    }

    @Test(
        "a chat user's role in the schedule's project is checked: running takes Developer, pausing Maintainer",
        arguments: [
            ("dave", ScheduleCommandEvent.Action.run, "applied"),
            ("alice", .pause, "applied"),
            (
                "dave", .pause,
                "refused: pausing and resuming a schedule takes the Maintainer role or higher in group/app, and "
                    + "@dave (Slack) has the Developer role"
            ),
            (
                "eve", .run,
                "refused: running a schedule takes the Developer role or higher in group/app, and @eve (Slack) is "
                    + "not a member of group/app"
            ),
            ("mallory", .resume, "refused: the forge has no user `mallory`"),
        ])
    func chatCommandsNeedARole(user: String, action: ScheduleCommandEvent.Action, outcome: String) async throws {
        let world = try await Self.world([Self.nightly("0 * * * *", zone: "UTC")], start: "2026-05-01T09:30")
        _ = try await world.engine.accept(
            Delivery(
                source: "slack", key: UUID().uuidString, kind: "Slack schedule",
                event: .scheduleCommand(
                    ScheduleCommandEvent(name: "nightly", action: action, by: "@\(user) (Slack)", forgeUser: user))))
        try await world.run()
        #expect(try await world.store.recentDeliveries(limit: 1).first?.outcome == outcome)
        let schedule = try await world.store.schedule(named: "nightly")
        #expect(await world.ports.created.count == (outcome == "applied" && action == .run ? 1 : 0))
        #expect((schedule?.pausedBy != nil) == (outcome == "applied" && action == .pause))
        try await world.store.close()
    }
}

/// The instant of a UTC wall-clock time written `YYYY-MM-DDTHH:MM`.
func utc(_ text: String) -> Instant {
    let digits = text.split(whereSeparator: { !$0.isNumber }).map { Int($0)! }
    let time = CivilTime(year: digits[0], month: digits[1], day: digits[2], hour: digits[3], minute: digits[4])
    return Instant(seconds: time.localSeconds)
}

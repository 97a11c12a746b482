import Testing
import TrainyardCore

/// The schedule's state machine: slots, the missed-run policy, jitter, creation retries, alerts.
struct ScheduleTests {
    static func nightly(
        cron: String = "30 2 * * *", zone: String = "Europe/Berlin", missed: ScheduleDefinition.Missed = .skip,
        jitter: Int = 0
    ) -> ScheduleDefinition {
        ScheduleDefinition(
            name: "nightly", forge: "gitlab", project: "group/app", ref: "main", cron: cron, timeZone: zone,
            variables: ["SUITE": "full"], missed: missed, jitterMinutes: jitter)
    }

    static func started(_ definition: ScheduleDefinition, at now: Instant) -> Schedule {
        var schedule = Schedule(definition: definition)
        _ = schedule.apply(.defined(definition, now: now))
        return schedule
    }

    @Test("a slot whose time came is claimed and run once; the next slot follows")
    func firesOnce() {
        var schedule = Self.started(Self.nightly(), at: utc("2026-03-27T12:00"))
        #expect(schedule.nextSlot == utc("2026-03-28T01:30"))
        #expect(schedule.wakeAt == utc("2026-03-28T01:30"))
        #expect(schedule.apply(.tick(now: utc("2026-03-28T01:29"))).isEmpty)
        let actions = schedule.apply(.tick(now: utc("2026-03-28T01:30")))
        #expect(actions == [.claim("slot@\(utc("2026-03-28T01:30").milliseconds)")])
        #expect(schedule.apply(.tick(now: utc("2026-03-28T01:31"))).isEmpty)
        #expect(schedule.runs.count == 1)
        // The spring-forward night: 02:30 does not exist, the slot is 03:00 CEST.
        #expect(schedule.nextSlot == utc("2026-03-29T01:00"))
        #expect(schedule.creationsDue(now: utc("2026-03-28T01:31")).map(\.trigger) == [.cron])
    }

    @Test("missed slots are skipped with `missed: skip`, and the decision is logged")
    func missedSkip() {
        var schedule = Self.started(Self.nightly(cron: "0 * * * *", zone: "UTC"), at: utc("2026-05-01T09:30"))
        let actions = schedule.apply(.tick(now: utc("2026-05-01T13:20")))
        #expect(actions.allSatisfy { if case .claim = $0 { false } else { true } })
        #expect(schedule.runs.isEmpty)
        #expect(
            schedule.log.last?.text
                == "missed 4 slots from 2026-05-01T10:00:00+00:00 to 2026-05-01T13:00:00+00:00 while the service was down; skipped (missed: skip)"
        )
        #expect(schedule.nextSlot == utc("2026-05-01T14:00"))
    }

    @Test("`missed: once` runs one pipeline for the missed slots, unless a slot is due now anyway")
    func missedOnce() {
        var schedule = Self.started(
            Self.nightly(cron: "0 * * * *", zone: "UTC", missed: .once), at: utc("2026-05-01T09:30"))
        _ = schedule.apply(.tick(now: utc("2026-05-01T13:20")))
        #expect(schedule.runs.map(\.trigger) == [.catchUp])
        #expect(schedule.runs.first?.slot == utc("2026-05-01T13:00"))
        #expect(schedule.log.last?.text.hasSuffix("ran one pipeline for them (missed: once)") == true)

        var onTime = Self.started(
            Self.nightly(cron: "0 * * * *", zone: "UTC", missed: .once), at: utc("2026-05-01T09:30"))
        _ = onTime.apply(.tick(now: utc("2026-05-01T13:02")))
        #expect(onTime.runs.map(\.trigger) == [.cron])
        #expect(onTime.runs.first?.slot == utc("2026-05-01T13:00"))
    }

    @Test("a late driver within the grace time still runs every slot")
    func lateWithinGrace() {
        var schedule = Self.started(Self.nightly(cron: "*/2 * * * *", zone: "UTC"), at: utc("2026-05-01T09:59"))
        _ = schedule.apply(.tick(now: utc("2026-05-01T10:05")))
        #expect(
            schedule.runs.map(\.slot) == [utc("2026-05-01T10:00"), utc("2026-05-01T10:02"), utc("2026-05-01T10:04")])
    }

    @Test("jitter delays every fire by the same share of its window, per schedule name")
    func jitter() {
        let definition = Self.nightly(cron: "0 * * * *", zone: "UTC", jitter: 15)
        let offset = definition.jitterMilliseconds
        #expect(offset >= 0 && offset < 15 * 60_000 && offset % 1000 == 0)
        var other = definition
        other.name = "weekly-report"
        #expect(other.jitterMilliseconds != offset)
        var schedule = Self.started(definition, at: utc("2026-05-01T09:30"))
        #expect(schedule.nextFireAt == utc("2026-05-01T10:00").adding(milliseconds: offset))
        if offset > 0 { #expect(schedule.apply(.tick(now: utc("2026-05-01T10:00"))).isEmpty) }
        _ = schedule.apply(.tick(now: utc("2026-05-01T10:00").adding(milliseconds: offset)))
        #expect(schedule.runs.map(\.slot) == [utc("2026-05-01T10:00")])
    }

    @Test("a failure streak raises one alert; the first success after it sends a recovery")
    func alerts() {
        var schedule = Self.started(Self.nightly(cron: "0 * * * *", zone: "UTC"), at: utc("2026-05-01T09:30"))
        func run(at time: String, pipeline: Int, status: String) {
            _ = schedule.apply(.tick(now: utc(time)))
            let claim = schedule.runs.last!.claim
            _ = schedule.apply(.creationStarted(claim: claim, now: utc(time)))
            _ = schedule.apply(
                .pipelineCreated(
                    claim: claim, pipeline: pipeline, webURL: "https://ci/\(pipeline)", status: "pending",
                    now: utc(time)))
            _ = schedule.apply(.pipelineObserved(claim: claim, status: status, now: utc(time)))
        }
        run(at: "2026-05-01T10:00", pipeline: 1, status: "success")
        #expect(schedule.notices.isEmpty && schedule.alert == nil)
        run(at: "2026-05-01T11:00", pipeline: 2, status: "failed")
        run(at: "2026-05-01T12:00", pipeline: 3, status: "canceled")
        #expect(schedule.notices.map(\.kind) == [.failing])
        #expect(
            schedule.notices.first?.text
                == "Schedule `nightly` (group/app, `main`) is failing: pipeline #2 failed.")
        #expect(schedule.notices.first?.webURL == "https://ci/2")
        #expect(schedule.alert?.failures == 2)
        run(at: "2026-05-01T13:00", pipeline: 4, status: "success")
        #expect(schedule.notices.map(\.kind) == [.failing, .recovered])
        #expect(
            schedule.notices.last?.text
                == "Schedule `nightly` (group/app, `main`) recovered: pipeline #4 passed after 2 failed runs.")
        #expect(schedule.alert == nil)
        _ = schedule.apply(.noticeSent(id: 1, now: utc("2026-05-01T13:00")))
        #expect(schedule.notices.map(\.kind) == [.recovered])
    }

    @Test("creation is tried again with backoff, then counts as not created and alerts")
    func creationRetries() {
        var schedule = Self.started(Self.nightly(cron: "0 * * * *", zone: "UTC"), at: utc("2026-05-01T09:30"))
        _ = schedule.apply(.tick(now: utc("2026-05-01T10:00")))
        let claim = schedule.runs[0].claim
        var now = utc("2026-05-01T10:00")
        for _ in 0..<Schedule.maxCreationAttempts {
            _ = schedule.apply(.creationStarted(claim: claim, now: now))
            _ = schedule.apply(
                .creationFailed(claim: claim, error: "503 Service Unavailable", permanent: false, now: now))
            now = schedule.runs[0].retryAt ?? now
        }
        #expect(schedule.runs[0].state == .notCreated)
        #expect(schedule.alert?.reason == "the pipeline could not be created: 503 Service Unavailable")
        #expect(schedule.notices.count == 1)

        var refused = Self.started(Self.nightly(cron: "0 * * * *", zone: "UTC"), at: utc("2026-05-01T09:30"))
        _ = refused.apply(.tick(now: utc("2026-05-01T10:00")))
        _ = refused.apply(.creationStarted(claim: claim, now: utc("2026-05-01T10:00")))
        _ = refused.apply(
            .creationFailed(
                claim: claim, error: "400 Reference not found", permanent: true, now: utc("2026-05-01T10:00")))
        #expect(refused.runs[0].state == .notCreated)
    }

    @Test("paused schedules run nothing, and resume from now without a missed window")
    func pauseResume() {
        var schedule = Self.started(Self.nightly(cron: "0 * * * *", zone: "UTC"), at: utc("2026-05-01T09:30"))
        _ = schedule.apply(.paused(by: "carol (API)", now: utc("2026-05-01T09:40")))
        #expect(schedule.wakeAt == nil)
        _ = schedule.apply(.tick(now: utc("2026-05-01T12:00")))
        #expect(schedule.runs.isEmpty)
        _ = schedule.apply(.resumed(by: "carol (API)", now: utc("2026-05-01T12:30")))
        #expect(schedule.nextSlot == utc("2026-05-01T13:00"))
        _ = schedule.apply(.tick(now: utc("2026-05-01T13:00")))
        #expect(schedule.runs.count == 1)
        #expect(!schedule.log.contains { $0.text.contains("missed") })
    }

    @Test("a manual run has a claim of its own; a claim taken before drops the run")
    func manualAndTaken() {
        var schedule = Self.started(Self.nightly(cron: "0 * * * *", zone: "UTC"), at: utc("2026-05-01T09:30"))
        #expect(schedule.apply(.runRequested(by: "alice (Slack)", now: utc("2026-05-01T09:35"))).count == 1)
        _ = schedule.apply(.tick(now: utc("2026-05-01T10:00")))
        #expect(schedule.runs.map(\.trigger) == [.manual, .cron])
        #expect(Set(schedule.runs.map(\.claim)).count == 2)
        _ = schedule.apply(.claimTaken(claim: schedule.runs[1].claim, now: utc("2026-05-01T10:00")))
        #expect(schedule.runs.map(\.trigger) == [.manual])
    }

    @Test("a changed expression or zone moves the next slot; other changes keep it")
    func redefined() {
        var schedule = Self.started(Self.nightly(cron: "0 * * * *", zone: "UTC"), at: utc("2026-05-01T09:30"))
        var changed = schedule.definition
        changed.variables = ["SUITE": "smoke"]
        _ = schedule.apply(.defined(changed, now: utc("2026-05-01T09:31")))
        #expect(schedule.nextSlot == utc("2026-05-01T10:00"))
        changed.cron = "30 * * * *"
        _ = schedule.apply(.defined(changed, now: utc("2026-05-01T09:32")))
        #expect(schedule.nextSlot == utc("2026-05-01T09:30").adding(milliseconds: 3_600_000))
    }

    @Test("notices are retried, then dropped and logged")
    func noticeRetries() {
        var schedule = Self.started(Self.nightly(cron: "0 * * * *", zone: "UTC"), at: utc("2026-05-01T09:30"))
        _ = schedule.apply(.tick(now: utc("2026-05-01T10:00")))
        let claim = schedule.runs[0].claim
        _ = schedule.apply(.creationFailed(claim: claim, error: "no", permanent: true, now: utc("2026-05-01T10:00")))
        for _ in 0..<ScheduleNotice.maxAttempts {
            _ = schedule.apply(
                .noticeFailed(id: 1, error: "connection refused", sentTo: ["slack"], now: utc("2026-05-01T10:00")))
            #expect(schedule.notices.first.map { $0.sentTo == ["slack"] } ?? true)
        }
        #expect(schedule.notices.isEmpty)
        #expect(schedule.log.last?.text == "an alert could not be delivered and was dropped: connection refused")
    }

    @Test(
        "definitions with problems name the key",
        arguments: [
            (ScheduleDefinition(name: "bad name", forge: "g", project: "a/b", ref: "main", cron: "@daily"), "name"),
            (ScheduleDefinition(name: "n", forge: "g", project: "a/b", ref: "main", cron: "0 25 * * *"), "cron"),
            (ScheduleDefinition(name: "n", forge: "g", project: "a/b", ref: "main", cron: "0 0 30 2 *"), "cron"),
            (
                ScheduleDefinition(
                    name: "n", forge: "g", project: "a/b", ref: "main", cron: "@daily", timeZone: "Mars/Olympus"),
                "time_zone"
            ),
            (ScheduleDefinition(name: "n", forge: "g", project: "a/b", ref: "", cron: "@daily"), "ref"),
            (
                ScheduleDefinition(
                    name: "n", forge: "g", project: "a/b", ref: "main", cron: "@daily", variables: ["A-B": "1"]),
                "variables.A-B"
            ),
            (
                ScheduleDefinition(
                    name: "n", forge: "g", project: "a/b", ref: "main", cron: "@daily",
                    variables: ["TRAINYARD_SCHEDULE": "x"]), "variables.TRAINYARD_SCHEDULE"
            ),
            (
                ScheduleDefinition(
                    name: "n", forge: "g", project: "a/b", ref: "main", cron: "@daily", jitterMinutes: 721),
                "jitter_minutes"
            ),
        ])
    func problems(definition: ScheduleDefinition, key: String) {
        #expect(definition.problems.map(\.key) == [key])
    }

    @Test("random event sequences never run a claim twice and always know when to wake")
    func randomized() {
        var random = SplitMix64(seed: 0x5C4E)
        for _ in 0..<80 {
            let missed: ScheduleDefinition.Missed = Bool.random(using: &random) ? .skip : .once
            var schedule = Self.started(
                Self.nightly(
                    cron: ["*/7 * * * *", "0 * * * *", "30 2 * * *"].randomElement(using: &random)!,
                    zone: ["UTC", "Europe/Berlin", "America/New_York"].randomElement(using: &random)!, missed: missed,
                    jitter: Int.random(in: 0...5, using: &random)),
                at: utc("2026-03-07T00:00"))
            var now = utc("2026-03-07T00:00")
            var claims: [String] = []
            for _ in 0..<60 {
                now = now.adding(milliseconds: Int64.random(in: 0...(6 * 3_600_000), using: &random))
                let events: [ScheduleEvent] = [
                    .tick(now: now), .runRequested(by: "x", now: now), .paused(by: "x", now: now),
                    .resumed(by: "x", now: now),
                ]
                var event = events[
                    Int.random(in: 0..<(Int.random(in: 0..<4, using: &random) == 0 ? 4 : 1), using: &random)]
                if let run = schedule.runs.first(where: { !$0.state.isFinished }), Bool.random(using: &random) {
                    event =
                        run.state == .creating
                        ? .pipelineCreated(
                            claim: run.claim, pipeline: claims.count, webURL: nil, status: "running", now: now)
                        : .pipelineObserved(
                            claim: run.claim, status: Bool.random(using: &random) ? "success" : "failed", now: now)
                }
                for case .claim(let claim) in schedule.apply(event) { claims.append(claim) }
                #expect(Set(claims).count == claims.count)
                if case .tick = event, schedule.isRunning { #expect(schedule.nextFireAt.map { $0 > now } ?? false) }
                #expect(schedule.runs.filter { $0.state.isFinished }.count <= Schedule.keptRuns)
                let failing = schedule.notices.filter { $0.kind == .failing }.count
                #expect(failing <= 1 + schedule.notices.filter { $0.kind == .recovered }.count)
            }
        }
    }
}

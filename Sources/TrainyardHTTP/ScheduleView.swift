import Foundation
import TrainyardCore

/// A pipeline schedule as the API shows it: its definition, next run (in UTC and in its zone),
/// last runs, open alert and recent decisions.
struct ScheduleView: Encodable {
    struct Time: Encodable {
        /// `2026-03-29T01:00:00Z`
        let utc: String
        /// `2026-03-29T03:00:00+02:00`, in the schedule's zone.
        let local: String
    }
    struct RunView: Encodable {
        let slot: Time
        let trigger: String
        let by: String?
        /// `creating`, `running`, `success`, `failed`, `canceled`, `skipped` or `not_created`.
        let state: String
        /// The forge's status word while it runs (`pending`, `running`).
        let status: String?
        let pipeline: Int?
        let webURL: String?
        let error: String?
        let startedAt: String
        let finishedAt: String?
    }
    struct AlertView: Encodable {
        let since: String
        let reason: String
        let webURL: String?
        let failures: Int
    }
    struct LogLine: Encodable {
        let at: String
        let text: String
    }

    let name: String
    let forge: String
    let project: String
    let ref: String
    let cron: String
    let timeZone: String
    let description: String
    let variables: [String: String]
    let active: Bool
    let paused: Bool
    let pausedBy: String?
    let missed: String
    let jitterMinutes: Int
    /// `config` or `api`.
    let origin: String
    let nextRun: Time?
    let lastRuns: [RunView]
    let alert: AlertView?
    let log: [LogLine]

    init(_ schedule: Schedule, now: Instant) {
        let definition = schedule.definition
        let zone = definition.zone ?? .utc
        func time(_ instant: Instant) -> Time {
            Time(utc: Self.utc(instant), local: zone.localText(at: instant))
        }
        name = definition.name
        forge = definition.forge
        project = definition.project
        ref = definition.ref
        cron = definition.cron
        timeZone = definition.timeZone
        description = definition.description
        variables = definition.variables
        active = definition.active
        paused = schedule.pausedBy != nil
        pausedBy = schedule.pausedBy
        missed = definition.missed.rawValue
        jitterMinutes = definition.jitterMinutes
        origin = definition.origin.rawValue
        nextRun = schedule.nextFire(seenAt: now).map(time)
        lastRuns = schedule.runs.reversed().map { run in
            RunView(
                slot: time(run.slot), trigger: run.trigger.rawValue, by: run.by, state: run.state.rawValue,
                status: run.status, pipeline: run.pipeline, webURL: run.webURL, error: run.error,
                startedAt: Self.utc(run.startedAt), finishedAt: run.finishedAt.map(Self.utc))
        }
        alert = schedule.alert.map {
            AlertView(since: Self.utc($0.since), reason: $0.reason, webURL: $0.webURL, failures: $0.failures)
        }
        log = schedule.log.reversed().map { LogLine(at: Self.utc($0.at), text: $0.text) }
    }

    static func utc(_ instant: Instant) -> String { "\(ZoneRules.utc.civil(at: instant))Z" }
}

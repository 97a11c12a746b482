/// A pipeline schedule's state: its definition, the next slot, its recent runs, an open alert and
/// the notices still to deliver. A pure state machine (``apply(_:)``), driven by the engine with
/// durable timers like a train.
public struct Schedule: Hashable, Codable, Sendable {
    public var definition: ScheduleDefinition
    /// The next cron slot not yet handled (before jitter); `nil` until the schedule first ticks,
    /// or when its expression never fires.
    public var nextSlot: Instant?
    /// Paused through the API or chat (apart from `active: false` in the definition).
    public var pausedBy: String?
    /// Recent runs, oldest first: every unfinished one and the last ``keptRuns`` finished.
    public var runs: [ScheduleRun]
    public var alert: ScheduleAlert?
    public var notices: [ScheduleNotice]
    /// Recent decisions, oldest first (at most ``keptLog``).
    public var log: [ScheduleLogEntry]
    public var nextNoticeID: Int

    public init(definition: ScheduleDefinition) {
        self.definition = definition
        self.runs = []
        self.notices = []
        self.log = []
        self.nextNoticeID = 1
    }

    public static let keptRuns = 20
    public static let keptLog = 20
    /// A slot fired more than this late was missed (the service was down), not merely late: the
    /// missed-run policy decides about it.
    public static let graceMilliseconds: Int64 = 10 * 60_000
    /// How often a running pipeline is looked at.
    public static let pollMilliseconds: Int64 = 60_000
    /// How many times creating a pipeline is tried before the run counts as not created.
    public static let maxCreationAttempts = 5

    public var name: String { definition.name }

    /// Whether slots are run: active in its definition and not paused.
    public var isRunning: Bool { definition.active && pausedBy == nil }

    /// When the schedule's next slot fires (the slot plus its jitter); `nil` when it will not.
    public var nextFireAt: Instant? {
        guard isRunning, let nextSlot else { return nil }
        return nextSlot.adding(milliseconds: definition.jitterMilliseconds)
    }

    /// When the schedule next fires as seen at `now`: ``nextFireAt``, worked out from the
    /// definition for a schedule whose driver has not run yet (for views of it).
    public func nextFire(seenAt now: Instant) -> Instant? {
        guard nextSlot == nil, isRunning else { return nextFireAt }
        var fresh = self
        _ = fresh.apply(.defined(definition, now: now))
        return fresh.nextFireAt
    }

    /// When the schedule next has something to do: a slot to fire, a pipeline to create or look
    /// at, a notice to send.
    public var wakeAt: Instant? {
        let times = [nextFireAt] + runs.map { $0.state.isFinished ? nil : $0.retryAt } + notices.map(\.retryAt)
        return times.compactMap { $0 }.min()
    }

    /// Runs whose pipeline is due to be created now.
    public func creationsDue(now: Instant) -> [ScheduleRun] {
        runs.filter { $0.state == .creating && ($0.retryAt ?? now) <= now }
    }

    /// Runs whose pipeline is due to be looked at now.
    public func pollsDue(now: Instant) -> [ScheduleRun] {
        runs.filter { $0.state == .running && ($0.retryAt ?? now) <= now }
    }

    /// Notices due to be sent now.
    public func noticesDue(now: Instant) -> [ScheduleNotice] { notices.filter { $0.retryAt <= now } }

    /// The most recent run that finished.
    public var lastFinished: ScheduleRun? { runs.last { $0.state.isFinished } }

    mutating func note(_ text: String, at: Instant) {
        log.append(ScheduleLogEntry(at: at, text: text))
        if log.count > Self.keptLog { log.removeFirst(log.count - Self.keptLog) }
    }

    mutating func trimRuns() {
        let finished = runs.filter { $0.state.isFinished }
        guard finished.count > Self.keptRuns else { return }
        let dropped = Set(finished.prefix(finished.count - Self.keptRuns).map(\.claim))
        runs.removeAll { dropped.contains($0.claim) }
    }
}

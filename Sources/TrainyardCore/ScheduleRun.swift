/// One pipeline a schedule started, or tried to: for a cron slot, a catch-up after downtime, or
/// somebody's `run`.
public struct ScheduleRun: Hashable, Codable, Sendable {
    public enum Trigger: String, Hashable, Codable, Sendable {
        case cron
        /// One run for slots missed while the service was down (`missed: once`).
        case catchUp = "catch_up"
        /// `POST /api/v1/schedules/{name}/run` or `/train schedule run`.
        case manual
    }

    public enum State: String, Hashable, Codable, Sendable {
        /// Claimed; the pipeline is being created (or will be tried again at ``retryAt``).
        case creating
        /// Created; pending or running on the forge.
        case running
        case success
        case failed
        case canceled
        /// The forge skipped it (no job matched).
        case skipped
        /// It could not be created (the forge refused, or kept failing).
        case notCreated = "not_created"

        public var isFinished: Bool { self != .creating && self != .running }
    }

    /// The cron slot (the time the expression names, before jitter), or when a manual run was asked.
    public var slot: Instant
    public var trigger: Trigger
    /// Who asked, for a manual run.
    public var by: String?
    public var state: State
    /// Tries to create the pipeline so far.
    public var attempts: Int
    /// When the next try to create it, or the next look at its status, is due.
    public var retryAt: Instant?
    public var pipeline: Int?
    public var webURL: String?
    /// The forge's status word while running (`pending`, `running`).
    public var status: String?
    public var error: String?
    public var startedAt: Instant
    public var finishedAt: Instant?

    public init(slot: Instant, trigger: Trigger, by: String? = nil, at: Instant) {
        self.slot = slot
        self.trigger = trigger
        self.by = by
        self.state = .creating
        self.attempts = 0
        self.retryAt = at
        self.startedAt = at
    }

    /// The key that makes a slot run once: the same for the cron run and the catch-up run of one
    /// slot, its own for each manual run.
    public var claim: String {
        trigger == .manual ? "manual@\(slot.milliseconds)" : "slot@\(slot.milliseconds)"
    }
}

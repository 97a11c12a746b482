/// A project's review apps: one ``ReviewApp`` per merge request, the settings they run under, and
/// the sweeper's clock. A pure state machine (``apply(_:)``), driven by the engine with durable
/// timers like a train: events in, actions out.
public struct ReviewApps: Hashable, Codable, Sendable {
    public var settings: ReviewAppSettings
    public var apps: [Int: ReviewApp]
    /// Merge requests waiting for one of the `max_apps` places, oldest first.
    public var waiting: [Int]
    public var nextAttempt: Int
    public var lastSweep: Instant?
    /// Recent decisions, oldest first (at most ``keptLog``).
    public var log: [String]

    public init(settings: ReviewAppSettings) {
        self.settings = settings
        self.apps = [:]
        self.waiting = []
        self.nextAttempt = 1
        self.log = []
    }

    public static let keptLog = 50
    /// How often the sweeper compares the forge's environments with the apps.
    public static let sweepMilliseconds: Int64 = 15 * 60_000
    /// How often a running deploy's or stop's pipeline is looked at.
    public static let pollMilliseconds: Int64 = 60_000
    /// A deploy with no answer after this long failed.
    public static let deployTimeoutMilliseconds: Int64 = 60 * 60_000
    /// A browser check with no answer after this long is asked for again.
    public static let checkTimeoutMilliseconds: Int64 = 10 * 60_000
    /// The longest wait before a failed stop is tried again.
    public static let maxStopBackoffMilliseconds: Int64 = 30 * 60_000

    /// How many apps hold one of the `max_apps` places.
    public var placesUsed: Int { apps.values.filter(\.holdsPlace).count }

    /// When something is next due: a debounce, a poll, a retry, a TTL, a deploy's time-out, the
    /// sweep.
    public var wakeAt: Instant? {
        var times: [Instant?] = [
            lastSweep.map { $0.adding(milliseconds: Self.sweepMilliseconds) } ?? Instant(seconds: 0)
        ]
        for app in apps.values {
            // A deploy waits for a stop in progress; the stop's answer wakes it.
            if app.open, app.state != .stopping { times.append(app.deployAt) }
            times.append(app.expiresAt(settings))
            if app.state == .deploying, let deploy = app.deploy {
                times.append(deploy.retryAt)
                times.append(deploy.startedAt.adding(milliseconds: Self.deployTimeoutMilliseconds))
            }
            if app.state == .stopping { times.append(app.stop?.retryAt) }
            if app.state == .checking { times.append(app.deploy?.retryAt) }
        }
        return times.compactMap { $0 }.min()
    }

    mutating func note(_ text: String) {
        log.append(text)
        if log.count > Self.keptLog { log.removeFirst(log.count - Self.keptLog) }
    }

    /// `abc1234`: a head as people read it.
    static func short(_ sha: SHA) -> String { String(sha.value.prefix(8)) }
}

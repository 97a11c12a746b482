/// One metric Trainyard exports: its Prometheus name, help text, type, label names and, for a
/// histogram, its bucket bounds in seconds.
public struct MetricDefinition: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case counter, gauge, histogram
    }

    public var name: String
    public var help: String
    public var kind: Kind
    public var labels: [String]
    public var buckets: [Double]

    init(_ name: String, _ kind: Kind, _ help: String, labels: [String] = [], buckets: [Double] = []) {
        self.name = name
        self.help = help
        self.kind = kind
        self.labels = labels
        self.buckets = buckets
    }
}

/// Every metric Trainyard exports, in one table: the exporter registers each with its help text
/// and buckets, `docs/operations.md` lists them, and a test holds the Grafana dashboard and the
/// alert rules to it. Names follow Prometheus' conventions: the `trainyard_` prefix, base units
/// (seconds), `_total` on counters. Labels take bounded values only: a forge or project from the
/// configuration, an outcome or reason from a fixed list, never a merge request or a commit.
public enum MetricCatalog {
    /// Fast work: storing a webhook, applying an event, one forge call.
    static let latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
    /// Slow work: a change's time on the train.
    static let trainBuckets = [60.0, 300, 600, 900, 1800, 2700, 3600, 5400, 7200, 14400, 28800, 86400]
    static let train = ["project", "target"]

    public static let webhookDeliveries = MetricDefinition(
        "trainyard_webhook_deliveries_total", .counter,
        "Webhook and chat deliveries received, by source (forge name, slack, mattermost) and outcome.",
        labels: ["source", "outcome"])
    public static let intakeDuration = MetricDefinition(
        "trainyard_webhook_intake_duration_seconds", .histogram,
        "Time from a webhook's arrival to its answer, the delivery stored durably.", labels: ["source"],
        buckets: latencyBuckets)
    public static let inboxBacklog = MetricDefinition(
        "trainyard_inbox_backlog", .gauge, "Deliveries stored and not yet applied.")
    public static let inboxOldestWait = MetricDefinition(
        "trainyard_inbox_oldest_wait_seconds", .gauge, "How long the longest-waiting due delivery has waited.")
    public static let outboxBacklog = MetricDefinition(
        "trainyard_outbox_backlog", .gauge, "Actions (forge calls, git pushes) decided and not yet done.")
    public static let outboxOldestWait = MetricDefinition(
        "trainyard_outbox_oldest_wait_seconds", .gauge, "How long the longest-waiting due action has waited.")
    public static let queueLength = MetricDefinition(
        "trainyard_queue_length", .gauge, "Changes on a merge train, waiting or in a car.", labels: train)
    public static let trainPaused = MetricDefinition(
        "trainyard_train_paused", .gauge, "1 while a merge train is paused, else 0.", labels: train)
    public static let cars = MetricDefinition(
        "trainyard_cars", .gauge, "Cars (and probes) on a merge train, by state.", labels: train + ["state"])
    public static let timeToMerge = MetricDefinition(
        "trainyard_time_to_merge_seconds", .histogram, "Time from a change's queueing to its landing.",
        labels: train, buckets: trainBuckets)
    public static let timeToReject = MetricDefinition(
        "trainyard_time_to_reject_seconds", .histogram,
        "Time from a change's queueing to its removal by the train (a failed pipeline, a conflict, a timeout).",
        labels: train, buckets: trainBuckets)
    public static let ciSeconds = MetricDefinition(
        "trainyard_ci_seconds_total", .counter, "Seconds of car pipelines run, from each car's build to its end.",
        labels: train)
    public static let pipelines = MetricDefinition(
        "trainyard_pipelines_total", .counter,
        "Car pipelines that ended, by outcome (passed, failed, canceled, timeout).",
        labels: train + ["outcome"])
    public static let landings = MetricDefinition(
        "trainyard_landings_total", .counter, "Changes landed on their target.", labels: train)
    public static let removals = MetricDefinition(
        "trainyard_removals_total", .counter, "Changes that left a merge train without landing, by reason.",
        labels: train + ["reason"])
    public static let forgeRequests = MetricDefinition(
        "trainyard_forge_requests_total", .counter,
        "Forge API calls, by forge and HTTP status (error: no answer).", labels: ["forge", "status"])
    public static let forgeRequestDuration = MetricDefinition(
        "trainyard_forge_request_duration_seconds", .histogram, "Time of one forge API call.", labels: ["forge"],
        buckets: latencyBuckets)
    public static let rateLimitWaits = MetricDefinition(
        "trainyard_forge_rate_limit_waits_total", .counter,
        "Times a forge call waited because the forge said it was over a rate limit.", labels: ["forge"])
    public static let rateLimitWaitSeconds = MetricDefinition(
        "trainyard_forge_rate_limit_wait_seconds_total", .counter,
        "Seconds forge calls waited for rate limits.", labels: ["forge"])
    public static let eventDuration = MetricDefinition(
        "trainyard_event_processing_duration_seconds", .histogram,
        "Time the engine took to apply one stored delivery to its train and store the result.",
        buckets: latencyBuckets)
    public static let ready = MetricDefinition(
        "trainyard_ready", .gauge, "1 while this replica passes every check of /readyz, else 0.")
    public static let leaseHandovers = MetricDefinition(
        "trainyard_lease_handovers_total", .counter,
        "Trains this replica took over from another whose lease ran out (it died or stalled).")

    public static let all: [MetricDefinition] = [
        webhookDeliveries, intakeDuration, inboxBacklog, inboxOldestWait, outboxBacklog, outboxOldestWait, queueLength,
        trainPaused, cars, timeToMerge, timeToReject, ciSeconds, pipelines, landings, removals, forgeRequests,
        forgeRequestDuration, rateLimitWaits, rateLimitWaitSeconds, eventDuration, leaseHandovers, ready,
    ]

    /// The definitions by name.
    public static let byName: [String: MetricDefinition] = Dictionary(
        all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
}

import Foundation
import TrainyardHTTP
import TrainyardCore
import TrainyardEngine

/// Trainyard's configuration, read from YAML (see `docs/configuration.md`).
struct TrainyardConfig: Sendable, Equatable {
    struct Listen: Sendable, Equatable {
        var host: String
        var port: Int
    }

    enum Storage: Sendable, Equatable {
        case sqlite(path: String)
        /// A `postgres://` URL; the password may come from `TRAINYARD_POSTGRES_PASSWORD`.
        case postgres(url: String)
    }

    struct Forge: Sendable, Equatable {
        var name: String
        var kind: String
        var url: URL
        var token: String
        var webhookSecret: String
        /// A GitHub App's id and the path of its private key (`app_id`, `private_key_file`).
        var appID: String?
        var privateKeyFile: String?
        /// `check_run` or `status` (GitHub): how Trainyard reports on a pull request's head.
        var report: String?
    }

    struct Project: Sendable, Equatable {
        var forge: String
        var path: String
        var targets: [String]
        var gitURL: String?
        var maxParallel: Int
        /// The least GitLab access level whose members' comment commands are obeyed.
        var mergeAccessLevel: Int = 30
        /// The least access level whose members may pause, resume and `merge skip-line` in comments.
        var controlAccessLevel: Int = 40
        /// The policy that chooses cars and blame.
        var planner: PlannerKind = .adaptive
        /// Minutes a pipeline may run before it is restarted once, then its car fails.
        var pipelineTimeoutMinutes: Int = 180
        /// Failed pipelines run again before a car counts as failed (a flake budget).
        var flakeRetries: Int = 0
        /// The planner's own settings (`planner_settings:`).
        var plannerSettings = PlannerSettings()
        /// Review apps of the project's merge requests (`review_apps:`); nil when off.
        var reviewApps: ReviewAppSettings?
        /// Checks a car needs besides those the target's protection requires (GitHub).
        var requiredChecks: [String] = []
        /// What `merge` requires of a change besides being open and not a draft (`merge_checks`).
        var mergeChecks: Set<MergeCheck> = MergeCheck.defaults
    }

    var listen = Listen(host: "127.0.0.1", port: 8080)
    var storage = Storage.sqlite(path: ".trainyard/trainyard.db")
    /// How long a replica's lease on a train lasts unless renewed (PostgreSQL only): a replica that
    /// dies has its trains driven again within this many seconds.
    var leaseSeconds = 15
    /// Days of finished deliveries and actions kept (`retention_days`).
    var retentionDays = 30
    /// Seconds between two passes of the reconciler over each train (`reconcile_seconds`; 0 turns
    /// it off). It also runs once at start.
    var reconcileSeconds = 300
    /// How long the longest-waiting due delivery may wait before `/readyz` says the engine is
    /// stuck (`stuck_after_seconds`).
    var stuckAfterSeconds = 300
    /// Who may read the dashboard (`dashboard`).
    var dashboard = Dashboard()
    /// Seconds between two renders of the dashboard for its update streams (not a YAML key: the
    /// benchmark sets it low to measure each render).
    var dashboardRefreshSeconds = 2.0
    /// Seconds a dashboard update stream stays open before the browser reconnects (not a YAML
    /// key: a test shortens it to see the page reconnect).
    var dashboardStreamSeconds = 600.0
    /// `text` (swift-log's lines with key-value metadata) or `json` (one object per line).
    var logFormat = LogFormat.text

    struct Dashboard: Sendable, Equatable {
        var access = DashboardSettings.Access.open
        var token: String?
    }

    /// OpenTelemetry traces (`tracing`); nil sends none.
    var tracing: Tracing?

    struct Tracing: Sendable, Equatable {
        /// The collector's OTLP/HTTP address (`http://otel-collector:4318`); `/v1/traces` is added.
        var endpoint: String
        /// `http/protobuf` (the default) or `http/json`.
        var wireProtocol = "http/protobuf"
        var serviceName = "trainyard"
    }

    enum LogFormat: String, Sendable, Equatable {
        case text, json
    }
    /// Where the git mirrors live; by default `git/` beside the SQLite file (`.trainyard/git` with
    /// PostgreSQL).
    var gitDirectory: String?
    /// The name people mention to give commands (`@trainyard merge`).
    var mention = "trainyard"
    var apiTokens: [String] = []
    /// Slack and Mattermost slash commands (`chatops`).
    var chatops = ChatOpsSettings()
    /// What one client connection is allowed: `max_connections` is a key of the file; the
    /// deadlines (idle 60 s, headers 10 s, body 30 s) are not, and are shorter in tests.
    var connections = ConnectionLimits()
    /// The most cars in flight across every train (`ci_budget:`); `nil` for no shared limit.
    var ciBudget: Int?
    var forges: [String: Forge] = [:]
    var projects: [Project] = []
    /// Pipeline schedules (`schedules:`).
    var schedules: [ScheduleDefinition] = []
    /// Where alerts about failing schedules go (`schedule_alerts:`).
    var scheduleAlerts = ScheduleAlerts()
    /// `TRAINYARD_CLOCK_START` and `TRAINYARD_CLOCK_RATE` for tests that run the service in
    /// process; not a key of the file (the process environment is read too).
    var clockEnvironment: [String: String] = [:]
    /// Trainyard's address as people reach it (`public_url`), for links in notes.
    var publicURL: String?
    /// Signs the links to review app screenshots (`link_secret`); a random one per start when
    /// unset (links then stop working at a restart, and differ between replicas).
    var linkSecret: String?

    struct ScheduleAlerts: Sendable, Equatable {
        var slackURL: URL?
        var mattermostURL: URL?
        var webhookURL: URL?
        var webhookSecret: String?
    }

    /// The folder for the git mirrors.
    var resolvedGitDirectory: String {
        if let gitDirectory { return gitDirectory }
        switch storage {
        case .sqlite(let path):
            return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("git").path
        case .postgres: return ".trainyard/git"
        }
    }
}

/// One thing wrong with a configuration, with the key path it concerns.
struct ConfigProblem: Error, Equatable, CustomStringConvertible, Sendable {
    var path: String
    var message: String
    var description: String { "\(path.isEmpty ? "(top level)" : path): \(message)" }
}

/// All the problems found in a configuration file.
struct ConfigErrors: Error, CustomStringConvertible, Sendable {
    var file: String
    var problems: [ConfigProblem]
    var description: String {
        "\(file) has \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
            + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

import Foundation
import Testing
import TrainyardEngine
import TrainyardCore

@testable import trainyard

struct ConfigLoaderTests {
    static let valid = """
        listen: 127.0.0.1:9090
        storage: sqlite:/tmp/ty/trainyard.db
        api:
          tokens: ["${API_TOKEN}"]
        forges:
          gitlab:
            kind: gitlab
            url: https://gitlab.example.com
            token: ${TRAINYARD_GITLAB_TOKEN}
            webhook_secret: ${TRAINYARD_GITLAB_WEBHOOK_SECRET}
        projects:
          - forge: gitlab
            path: group/app
            targets: [main, release/1.x]
            git_url: file:///tmp/app.git
            max_parallel: 4
        """

    static let environment = [
        "API_TOKEN": "api", "TRAINYARD_GITLAB_TOKEN": "glpat-secret",
        "TRAINYARD_GITLAB_WEBHOOK_SECRET": "hook-secret-1",
    ]

    static func parse(_ text: String, environment: [String: String] = environment) -> (
        TrainyardConfig?, [ConfigProblem]
    ) {
        var loader = ConfigLoader(environment: environment)
        let config = loader.parse(text)
        return (config, loader.problems)
    }

    @Test func readsEveryKeyAndSubstitutesEnvironmentVariables() throws {
        let (config, problems) = Self.parse(Self.valid)
        #expect(problems.isEmpty)
        let parsed = try #require(config)
        #expect(parsed.listen == .init(host: "127.0.0.1", port: 9090))
        #expect(parsed.storage == .sqlite(path: "/tmp/ty/trainyard.db"))
        #expect(parsed.resolvedGitDirectory == "/tmp/ty/git")
        #expect(parsed.apiTokens == ["api"])
        #expect(parsed.forges["gitlab"]?.token == "glpat-secret")
        #expect(parsed.forges["gitlab"]?.webhookSecret == "hook-secret-1")
        #expect(
            parsed.projects == [
                .init(
                    forge: "gitlab", path: "group/app", targets: ["main", "release/1.x"], gitURL: "file:///tmp/app.git",
                    maxParallel: 4)
            ])
    }

    @Test(arguments: [
        ("listen: nowhere", "listen", "expected HOST:PORT"),
        ("storage: mysql://x", "storage", "expected `sqlite:PATH`"),
        ("listn: 1", "listn", "unknown key"),
        ("projects:\n  - forge: gitlab\n    path: a/b\n    targets: [main]", "projects[0].forge", "no forge `gitlab`"),
        ("projects:\n  - path: a/b\n    targets: []", "projects[0].forge", "is required"),
        ("projects:\n  - path: a/b", "projects[0].targets", "list at least one target branch"),
        (
            "forges:\n  gl:\n    kind: gitlab\n    url: x\n    token: t\n    webhook_secret: longenough",
            "forges.gl.url", "expected an http(s) URL"
        ),
        (
            "forges:\n  gl:\n    kind: gitea\n    url: https://x\n    token: t\n    webhook_secret: longenough",
            "forges.gl.kind", "unsupported forge kind"
        ),
        (
            "forges:\n  gl:\n    kind: gitlab\n    url: https://x\n    token: ${MISSING}\n    webhook_secret: longenough",
            "forges.gl.token", "MISSING is not set"
        ),
        (
            "forges:\n  gl:\n    kind: gitlab\n    url: https://x\n    token: t\n    webhook_secret: short",
            "forges.gl.webhook_secret", "shorter than 8"
        ),
        (
            "forges:\n  gl:\n    kind: gitlab\n    url: https://x\n    token: t\n    webhook_secret: longenough\nprojects:\n  - forge: gl\n    path: a/b\n    targets: [\"-x\"]",
            "projects[0].targets[0]", "not a valid branch name"
        ),
        (
            "forges:\n  gl:\n    kind: gitlab\n    url: https://x\n    token: t\n    webhook_secret: longenough\nprojects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    max_parallel: 0",
            "projects[0].max_parallel", "from 1 to 100"
        ),
        ("- just\n- a list", "", "expected a mapping"),
        ("key: [unclosed", "", "not valid YAML"),
    ])
    func namesEveryProblemWithItsKeyPath(text: String, path: String, words: String) {
        let (_, problems) = Self.parse(text, environment: [:])
        #expect(problems.contains { $0.path == path && $0.message.contains(words) }, "\(problems)")
    }

    @Test(arguments: [
        ("mention: \"@bot\"", "mention", "without @"),
        (
            "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    merge_access_level: guest",
            "projects[0].merge_access_level", "developer, maintainer or owner"
        ),
        (
            "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    control_access_level: reporter",
            "projects[0].control_access_level", "developer, maintainer or owner"
        ),
        (
            "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    max_parallel: 2.5",
            "projects[0].max_parallel", "whole number"
        ),
        (
            "projects:\n  - forge: gl\n    path: a/b\n    targets: [\"main.\"]", "projects[0].targets[0]",
            "not a valid branch name"
        ),
        (
            "projects:\n  - forge: gl\n    path: a/b\n    targets: [trainyard/x]", "projects[0].targets[0]",
            "not a valid branch name"
        ),
        (
            "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    planner: zuul2", "projects[0].planner",
            "use one of adaptive, prefix, serial"
        ),
        (
            "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    planner: trunk\n    planner_settings:\n      window: 4",
            "projects[0].planner_settings.window",
            "not a setting of the `trunk` planner; its settings are batch_size, pending_failure_depth, optimistic_landing, bisection_concurrency"
        ),
        (
            "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    planner: prefix\n    planner_settings:\n      batch_size: 4",
            "projects[0].planner_settings.batch_size", "the `prefix` planner; it has no settings"
        ),
        (
            "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    planner: trunk\n    planner_settings:\n      batch_size: 0",
            "projects[0].planner_settings.batch_size", "whole number from 1 to 100"
        ),
        (
            "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    planner: trunk\n    planner_settings:\n      optimistic_landing: maybe",
            "projects[0].planner_settings.optimistic_landing", "expected true or false"
        ),
        (
            "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    planner_settings:\n      probes: 3",
            "projects[0].planner_settings.probes", "expected true or false"
        ),
        (
            "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    planner: zuul\n    planner_settings:\n      window: 4\n      window_floor: 6",
            "projects[0].planner_settings.window_floor", "above `window` (4)"
        ),
        (
            "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    planner: bors\n    planner_settings: 5",
            "projects[0].planner_settings", "expected a mapping of settings"
        ),
        (
            "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    planner: zuul\n    planner_settings:\n      window_floor: 25",
            "projects[0].planner_settings.window_floor", "above the default window of 20"
        ),
        (
            "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    planner: mergify\n    planner_settings:\n      batch_size: [4]",
            "projects[0].planner_settings.batch_size", "expected a whole number from 1 to 100"
        ),
        ("ci_budget: 0", "ci_budget", "whole number from 1 to 10000"),
        ("ci_budget: lots", "ci_budget", "whole number from 1 to 10000"),
    ])
    func validatesProjectSettings(text: String, path: String, words: String) {
        let forge =
            "forges:\n  gl:\n    kind: gitlab\n    url: https://x\n    token: t\n    webhook_secret: longenough\n"
        let (_, problems) = Self.parse(forge + text, environment: [:])
        #expect(problems.contains { $0.path == path && $0.message.contains(words) }, "\(problems)")
    }

    @Test(
        arguments: [
            ("storage: postgres://ty@db.internal:5432/trainyard\nlease_seconds: 20", nil),
            ("storage: postgresql://ty@db/trainyard", nil),
            ("storage: postgres://db.internal/trainyard", "the PostgreSQL URL names no user"),
            ("storage: postgres://ty@db.internal", "names no database"),
            ("storage: mysql://ty@db/trainyard", "expected `sqlite:PATH` or `postgres://user@host:5432/database`"),
            ("lease_seconds: 2", "expected a whole number from 3 to 600"),
            ("lease_seconds: fifteen", "lease_seconds"),
        ] as [(String, String?)])
    func postgresStorageAndLeases(line: String, problem: String?) throws {
        let text = Self.valid.replacing("storage: sqlite:/tmp/ty/trainyard.db", with: line)
        let (config, problems) = Self.parse(text)
        if let problem {
            #expect(problems.contains { $0.description.contains(problem) }, "\(problems)")
        } else {
            #expect(problems.isEmpty, "\(problems)")
            if case .postgres(let url) = try #require(config).storage {
                #expect(url.hasPrefix("postgres"))
            } else {
                Issue.record("expected PostgreSQL storage")
            }
            #expect(config?.leaseSeconds == (line.contains("lease_seconds: 20") ? 20 : 15))
        }
    }

    @Test(
        arguments: [
            ("", MergeCheck.defaults), ("merge_checks: [pipeline, approvals]", [.pipeline, .approvals]),
            ("merge_checks: []", []), ("merge_checks: [reviews]", nil),
        ] as [(String, Set<MergeCheck>?)])
    func mergeChecks(line: String, expected: Set<MergeCheck>?) {
        let (config, problems) = Self.parse(Self.valid + "\n    " + line + "\n")
        if let expected {
            #expect(problems.isEmpty, "\(problems)")
            #expect(config?.projects.first?.mergeChecks == expected)
        } else {
            #expect(
                problems.contains {
                    $0.path == "projects[0].merge_checks"
                        && $0.message
                            == "`reviews` is not a merge check (known: approvals, discussions, pipeline, conflicts)"
                }, "\(problems)")
        }
    }

    @Test(
        arguments: [
            ("", 300), ("reconcile_seconds: 60", 60), ("reconcile_seconds: 0", 0), ("reconcile_seconds: -1", nil),
            ("reconcile_seconds: 86401", nil), ("reconcile_seconds: often", nil),
        ] as [(String, Int?)])
    func reconcileSeconds(line: String, expected: Int?) {
        let (config, problems) = Self.parse(Self.valid + "\n" + line + "\n")
        if let expected {
            #expect(problems.isEmpty, "\(problems)")
            #expect(config?.reconcileSeconds == expected)
        } else {
            #expect(
                problems.contains {
                    $0.path == "reconcile_seconds" && $0.message.contains("expected a whole number from 0 to 86400")
                }, "\(problems)")
        }
    }

    @Test(
        arguments: [
            ("", 300), ("stuck_after_seconds: 60", 60), ("stuck_after_seconds: 9", nil),
            ("stuck_after_seconds: 86401", nil), ("stuck_after_seconds: \"60\"", nil),
        ] as [(String, Int?)])
    func stuckAfterSeconds(line: String, expected: Int?) {
        let (config, problems) = Self.parse(Self.valid + "\n" + line + "\n")
        if let expected {
            #expect(problems.isEmpty, "\(problems)")
            #expect(config?.stuckAfterSeconds == expected)
        } else {
            #expect(
                problems.contains {
                    $0.path == "stuck_after_seconds" && $0.message.contains("expected a whole number from 10 to 86400")
                }, "\(problems)")
        }
    }

    @Test(
        arguments: [
            ("", 512),
            ("max_connections: 2000", 2000),
            ("max_connections: 4", nil),
            ("max_connections: 100000", nil),
            ("max_connections: many", nil),
        ] as [(String, Int?)])
    func maxConnections(line: String, expected: Int?) throws {
        let (config, problems) = Self.parse(Self.valid + "\n" + line)
        if let expected {
            #expect(problems.isEmpty, "\(problems)")
            #expect(try #require(config).connections.maxConnections == expected)
        } else {
            #expect(
                problems.contains { $0.path == "max_connections" && $0.message.contains("from 8 to 65536") },
                "\(problems)")
        }
    }

    @Test func brokenForgeGivesOneProblemNotTwo() {
        let text =
            "forges:\n  gl:\n    kind: gitlab\n    url: ftp://x\n    token: t\n    webhook_secret: longenough\nprojects:\n  - forge: gl\n    path: a/b\n    targets: [main]"
        let (_, problems) = Self.parse(text, environment: [:])
        #expect(problems.map(\.path) == ["forges.gl.url"])
    }

    @Test func roleNamesSetTheAccessLevel() throws {
        let text =
            "forges:\n  gl:\n    kind: gitlab\n    url: https://x\n    token: t\n    webhook_secret: longenough\nprojects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    merge_access_level: Maintainer"
        let (config, problems) = Self.parse(text, environment: [:])
        #expect(problems.isEmpty)
        #expect(config?.projects.first?.mergeAccessLevel == 40)
        #expect(config?.projects.first?.controlAccessLevel == 40, "maintainer is the default control role")
        #expect(config?.projects.first?.planner == .adaptive, "adaptive is the default planner")
        let owner = Self.parse(text + "\n    control_access_level: owner", environment: [:]).0
        #expect(owner?.projects.first?.controlAccessLevel == 50)
    }

    @Test func readsPlannerSettingsAndTheSharedBudget() throws {
        let text =
            "ci_budget: 12\nforges:\n  gl:\n    kind: gitlab\n    url: https://x\n    token: t\n    webhook_secret: longenough\n"
            + "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    planner: trunk\n    planner_settings:\n"
            + "      batch_size: 8\n      pending_failure_depth: 3\n      optimistic_landing: false\n"
            + "  - forge: gl\n    path: a/c\n    targets: [main]\n    planner: bors\n    planner_settings:\n"
            + "      batch_delay_seconds: 10\n"
            + "  - forge: gl\n    path: a/d\n    targets: [main]\n    planner_settings:\n      probes: false\n"
        let (config, problems) = Self.parse(text, environment: [:])
        #expect(problems.isEmpty, "\(problems)")
        #expect(config?.ciBudget == 12)
        #expect(
            config?.projects.first?.plannerSettings
                == PlannerSettings(batchSize: 8, pendingFailureDepth: 3, optimisticLanding: false))
        #expect(config?.projects[1].plannerSettings == PlannerSettings(batchDelay: 10_000))
        #expect(config?.projects.last?.plannerSettings == PlannerSettings(probes: false))
    }

    @Test func plannerSettingsTakeVariablesAndWaitForAKnownPlanner() {
        let forge =
            "forges:\n  gl:\n    kind: gitlab\n    url: https://x\n    token: t\n    webhook_secret: longenough\n"
        let tuned =
            forge + "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    planner: mergify\n"
            + "    planner_settings:\n      batch_size: \"${BATCH}\"\n"
        let (config, problems) = Self.parse(tuned, environment: ["BATCH": "7"])
        #expect(problems.isEmpty && config?.projects.first?.plannerSettings.batchSize == 7, "\(problems)")
        let misspelt =
            forge + "projects:\n  - forge: gl\n    path: a/b\n    targets: [main]\n    planner: trunc\n"
            + "    planner_settings:\n      batch_size: 4\n"
        #expect(Self.parse(misspelt, environment: [:]).1.map(\.path) == ["projects[0].planner"], "one problem, not two")
    }

    @Test func collectsAllProblemsRatherThanTheFirst() {
        let (_, problems) = Self.parse("listen: x\nstorage: y\nmention: 5\nunknown: 1", environment: [:])
        #expect(problems.map(\.path).sorted() == ["listen", "storage", "unknown"])
    }

    @Test func checkConfigCommandReportsProblemsAndExitsNonZero() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yml")
        try "listen: nope\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: ConfigErrors.self) { _ = try ConfigLoader.load(file: file.path, environment: [:]) }
        do {
            _ = try ConfigLoader.load(file: file.path, environment: [:])
        } catch let errors as ConfigErrors {
            #expect(errors.description.contains("listen: expected HOST:PORT"))
        }
    }

    @Test func exampleConfigurationIsValid() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/trainyard.example.yml")
        let config = try ConfigLoader.load(
            file: example.path,
            environment: [
                "TRAINYARD_GITLAB_TOKEN": "t", "TRAINYARD_GITLAB_WEBHOOK_SECRET": "long-secret",
                "TRAINYARD_API_TOKEN": "a",
            ])
        #expect(!config.projects.isEmpty)
    }
}

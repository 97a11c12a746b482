import ArgumentParser
import Foundation
import Logging
import TrainyardCore
import TrainyardEngine
import TrainyardForges

/// `trainyard webhook register`: the project's webhook on its forge, made or checked from the
/// configuration.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Manage the forge webhooks Trainyard needs.",
        subcommands: [WebhookRegisterCommand.self])
}

/// `trainyard webhook register --project PATH [--forge NAME] [--url URL] [--check]`.
struct WebhookRegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Create or update the project's webhook with exactly the events Trainyard reads.",
        discussion: """
            Running it again changes nothing when the webhook is as it should be. With --check it \
            changes nothing and exits 1 when the webhook is missing, sends to another URL, lacks or \
            has extra events, is disabled, or (GitHub) failed recent deliveries.
            """)

    @Option(name: .shortAndLong, help: "The configuration file (default: trainyard.yml if present).")
    var config: String?

    @Option(help: "The project's path on the forge, as in the configuration (group/app, owner/repo).")
    var project: String

    @Option(help: "The forge's name in the configuration, when the path is configured on several.")
    var forge: String?

    @Option(help: "The URL the forge sends to (default: public_url + /webhooks/FORGE).")
    var url: String?

    @Flag(help: "Only report what differs, and exit 1 when anything does.")
    var check = false

    func run() async throws {
        var logger = Logger(label: "trainyard")
        logger.logLevel = .warning
        let settings = try loadConfig(config)
        let target = try Self.resolve(settings, project: project, forge: forge, url: url)
        let adapters = try ForgeAdapters(target.forge, userAgent: "Trainyard", logger: logger)
        guard let registrar = adapters.port as? any WebhookRegistrar else {
            throw ValidationError("forge `\(target.forge.name)` cannot manage webhooks")
        }
        let (lines, clean) = try await Self.register(target, registrar: registrar, check: check)
        print(lines.joined(separator: "\n"))
        if check && !clean { throw ExitCode(1) }
    }

    /// What the command works on: the project, its forge and the URL.
    struct Target {
        var project: TrainyardConfig.Project
        var forge: TrainyardConfig.Forge
        var url: String

        var settings: ProjectSettings {
            ProjectSettings(
                key: ProjectKey(forge: forge.name, path: project.path), targets: project.targets, gitURL: "",
                train: TrainSettings())
        }
    }

    static func resolve(_ config: TrainyardConfig, project path: String, forge name: String?, url: String?) throws
        -> Target
    {
        let matching = config.projects.filter { $0.path == path && (name == nil || $0.forge == name) }
        guard let project = matching.first else {
            let known = config.projects.map { "\($0.path) on \($0.forge)" }.sorted().joined(separator: ", ")
            throw ValidationError(
                "no project `\(path)`\(name.map { " on forge `\($0)`" } ?? "") in the configuration (configured: "
                    + "\(known.isEmpty ? "none" : known))")
        }
        guard matching.count == 1 else {
            throw ValidationError(
                "`\(path)` is configured on several forges (\(matching.map(\.forge).sorted().joined(separator: ", "))); "
                    + "name one with --forge")
        }
        guard let forge = config.forges[project.forge] else {
            throw ValidationError("no forge `\(project.forge)` under `forges`")
        }
        let address: String
        if let url {
            guard let parsed = URL(string: url), parsed.scheme == "https" || parsed.scheme == "http", parsed.host != nil
            else { throw ValidationError("--url `\(url)` is not an http or https URL") }
            address = url
        } else if let base = config.publicURL {
            address = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/webhooks/\(forge.name)"
        } else {
            throw ValidationError(
                "give --url (where the forge reaches Trainyard, ending in /webhooks/\(forge.name)) or set `public_url`")
        }
        return Target(project: project, forge: forge, url: address)
    }

    /// Registers or checks the webhook; returns the lines to print and whether nothing differed.
    static func register(_ target: Target, registrar: any WebhookRegistrar, check: Bool) async throws -> (
        [String], Bool
    ) {
        let name = "\(target.project.path) on \(target.forge.name)"
        let events = registrar.trainyardEvents(deployments: target.project.reviewApps != nil)
        let drift = WebhookDrift(
            hooks: try await registrar.hooks(project: target.settings), url: target.url, events: events)
        if check {
            if drift.problems.isEmpty {
                return (["webhook of \(name): as Trainyard needs it (\(target.url), \(events.count) events)"], true)
            }
            return (["webhook of \(name) differs:"] + drift.problems.map { "  - \($0)" }, false)
        }
        var lines: [String]
        if drift.needsSaving {
            try await registrar.saveHook(
                project: target.settings, id: drift.hook?.id, url: target.url, events: events,
                secret: target.forge.webhookSecret)
            lines = [
                drift.hook == nil
                    ? "webhook of \(name): created, sending \(events.sorted().joined(separator: ", ")) to \(target.url)"
                    : "webhook of \(name): updated (" + drift.problems.joined(separator: "; ") + ")"
            ]
        } else {
            lines = ["webhook of \(name): unchanged (\(target.url), \(events.count) events)"]
        }
        lines += drift.problems.filter { $0.contains("recent deliveries failed") }.map {
            "  note: \($0); look at the forge's webhook page"
        }
        return (lines, true)
    }
}

import Foundation
import TrainyardStore
import Yams

/// Reads and validates a configuration file, collecting every problem with its key path rather
/// than stopping at the first. `${NAME}` in a string value is replaced by the environment
/// variable `NAME`.
struct ConfigLoader {
    var environment: [String: String]
    var problems: [ConfigProblem] = []
    /// Forge names seen under `forges`, valid or not, so projects naming a broken forge get one error.
    var declaredForges: Set<String> = []

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Loads a file; throws ``ConfigErrors`` listing every problem.
    static func load(file: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> TrainyardConfig
    {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigErrors(file: file, problems: [ConfigProblem(path: "", message: "cannot read the file")])
        }
        var loader = ConfigLoader(environment: environment)
        let config = loader.parse(String(decoding: data, as: UTF8.self))
        guard let config, loader.problems.isEmpty else { throw ConfigErrors(file: file, problems: loader.problems) }
        return config
    }

    mutating func parse(_ text: String) -> TrainyardConfig? {
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            problems.append(ConfigProblem(path: "", message: "not valid YAML: \(error)"))
            return nil
        }
        guard let map = root as? [String: Any] else {
            problems.append(
                ConfigProblem(path: "", message: "expected a mapping of keys such as `listen` and `projects`"))
            return nil
        }
        var config = TrainyardConfig()
        checkKeys(
            map, "",
            [
                "listen", "storage", "lease_seconds", "retention_days", "max_connections", "git_dir", "mention", "api",
                "ci_budget", "chatops",
                "forges", "projects", "schedules", "schedule_alerts", "public_url", "link_secret", "reconcile_seconds",
                "stuck_after_seconds", "dashboard", "log_format", "tracing",
            ])
        if let listen = string(map, "listen", "") { config.listen = parseListen(listen) ?? config.listen }
        if let storage = string(map, "storage", "") { config.storage = parseStorage(storage) ?? config.storage }
        config.gitDirectory = string(map, "git_dir", "")
        if let mention = string(map, "mention", "") {
            if !mention.isEmpty, mention.allSatisfy({ $0.isLetter || $0.isNumber || "_.-".contains($0) }) {
                config.mention = mention
            } else {
                problems.append(
                    ConfigProblem(path: "mention", message: "expected a username without @, such as trainyard"))
            }
        }
        if let api = map["api"] {
            if let api = api as? [String: Any] {
                checkKeys(api, "api", ["tokens"])
                config.apiTokens = strings(api, "tokens", "api") ?? []
            } else {
                problems.append(ConfigProblem(path: "api", message: "expected a mapping with `tokens`"))
            }
        }
        config.ciBudget = wholeNumber(map, "ci_budget", "", in: 1...10_000)
        config.leaseSeconds = wholeNumber(map, "lease_seconds", "", in: 3...600) ?? config.leaseSeconds
        config.retentionDays = wholeNumber(map, "retention_days", "", in: 1...3650) ?? config.retentionDays
        config.reconcileSeconds = wholeNumber(map, "reconcile_seconds", "", in: 0...86_400) ?? config.reconcileSeconds
        config.stuckAfterSeconds =
            wholeNumber(map, "stuck_after_seconds", "", in: 10...86_400) ?? config.stuckAfterSeconds
        config.connections.maxConnections =
            wholeNumber(map, "max_connections", "", in: 8...65536) ?? config.connections.maxConnections
        config.dashboard = parseDashboard(map["dashboard"], apiTokens: config.apiTokens)
        config.logFormat = parseLogFormat(map["log_format"])
        config.tracing = parseTracing(map["tracing"])
        config.forges = parseForges(map["forges"])
        config.projects = parseProjects(map["projects"], forges: config.forges)
        config.chatops = parseChatOps(map["chatops"], forges: config.forges)
        config.schedules = parseSchedules(map["schedules"], forges: config.forges, projects: config.projects)
        config.scheduleAlerts = parseScheduleAlerts(map["schedule_alerts"])
        if let url = string(map, "public_url", "") {
            if url.hasPrefix("https://") || url.hasPrefix("http://") {
                config.publicURL = url
            } else {
                problems.append(
                    ConfigProblem(
                        path: "public_url",
                        message: "expected Trainyard's address, such as https://trainyard.example.com"))
            }
        }
        if let secret = string(map, "link_secret", "") {
            if secret.count >= 16 {
                config.linkSecret = secret
            } else {
                problems.append(ConfigProblem(path: "link_secret", message: "use at least 16 characters"))
            }
        }
        return config
    }

    mutating func parseListen(_ text: String) -> TrainyardConfig.Listen? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port), colon != text.startIndex
        else {
            problems.append(
                ConfigProblem(path: "listen", message: "expected HOST:PORT such as 127.0.0.1:8080, got `\(text)`"))
            return nil
        }
        return .init(host: String(text[..<colon]), port: port)
    }

    mutating func parseStorage(_ text: String) -> TrainyardConfig.Storage? {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            do {
                _ = try PostgresLocation(url: text, environment: [:])
                return .postgres(url: text)
            } catch {
                problems.append(ConfigProblem(path: "storage", message: "\(error)"))
                return nil
            }
        }
        if !text.hasPrefix("postgres"), text.hasPrefix("sqlite:"), text.count > "sqlite:".count {
            return .sqlite(path: String(text.dropFirst("sqlite:".count)))
        }
        problems.append(
            ConfigProblem(
                path: "storage",
                message: "expected `sqlite:PATH` or `postgres://user@host:5432/database`, got `\(text)`"))
        return nil
    }

    mutating func checkKeys(_ map: [String: Any], _ path: String, _ known: [String]) {
        for key in map.keys.sorted() where !known.contains(key) {
            problems.append(
                ConfigProblem(
                    path: join(path, key), message: "unknown key; known keys here: \(known.joined(separator: ", "))"))
        }
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A string value with `${NAME}` references replaced; records a problem for a wrong type or a
    /// missing variable.
    mutating func string(_ map: [String: Any], _ key: String, _ path: String, required: Bool = false) -> String? {
        guard let value = map[key] else {
            if required { problems.append(ConfigProblem(path: join(path, key), message: "is required")) }
            return nil
        }
        guard let text = scalar(value) else {
            problems.append(ConfigProblem(path: join(path, key), message: "expected a string"))
            return nil
        }
        return substitute(text, join(path, key))
    }

    func scalar(_ value: Any) -> String? {
        if let text = value as? String { return text }
        if let number = value as? Int { return String(number) }
        if let flag = value as? Bool { return String(flag) }
        return nil
    }

    mutating func strings(_ map: [String: Any], _ key: String, _ path: String) -> [String]? {
        guard let value = map[key] else { return nil }
        guard let list = value as? [Any] else {
            problems.append(ConfigProblem(path: join(path, key), message: "expected a list"))
            return nil
        }
        var result: [String] = []
        for (index, item) in list.enumerated() {
            guard let text = scalar(item) else {
                problems.append(ConfigProblem(path: "\(join(path, key))[\(index)]", message: "expected a string"))
                continue
            }
            if let value = substitute(text, "\(join(path, key))[\(index)]") { result.append(value) }
        }
        return result
    }

    mutating func substitute(_ text: String, _ path: String) -> String? {
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                problems.append(ConfigProblem(path: path, message: "`${` without a closing `}`"))
                return nil
            }
            let name = String(rest[start.upperBound..<end])
            guard let value = environment[name], !value.isEmpty else {
                problems.append(
                    ConfigProblem(path: path, message: "the environment variable \(name) is not set (or empty)"))
                return nil
            }
            result += value
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}

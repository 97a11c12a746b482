import Foundation
import TrainyardCore

/// The `schedules` list and the `schedule_alerts` destinations.
extension ConfigLoader {
    static let scheduleKeys = [
        "name", "forge", "project", "ref", "cron", "time_zone", "variables", "missed", "jitter_minutes", "active",
        "description",
    ]

    mutating func parseSchedules(
        _ value: Any?, forges: [String: TrainyardConfig.Forge], projects: [TrainyardConfig.Project]
    ) -> [ScheduleDefinition] {
        guard let value else { return [] }
        guard let list = value as? [Any] else {
            problems.append(ConfigProblem(path: "schedules", message: "expected a list of schedules"))
            return []
        }
        var schedules: [ScheduleDefinition] = []
        var seen: [String: String] = [:]
        for (index, item) in list.enumerated() {
            let path = "schedules[\(index)]"
            guard let map = item as? [String: Any] else {
                problems.append(
                    ConfigProblem(path: path, message: "expected a mapping with name, project, ref, cron, time_zone"))
                continue
            }
            checkKeys(map, path, Self.scheduleKeys)
            guard let name = string(map, "name", path, required: true),
                let project = string(map, "project", path, required: true),
                let ref = string(map, "ref", path, required: true),
                let cron = string(map, "cron", path, required: true)
            else { continue }
            if let earlier = seen[name] {
                problems.append(ConfigProblem(path: "\(path).name", message: "`\(name)` is already used by \(earlier)"))
            }
            seen[name] = path
            guard let forge = scheduleForge(map, project: project, path: path, forges: forges, projects: projects)
            else { continue }
            var definition = ScheduleDefinition(
                name: name, forge: forge, project: project, ref: ref, cron: cron,
                timeZone: string(map, "time_zone", path) ?? "UTC")
            definition.description = string(map, "description", path) ?? ""
            definition.jitterMinutes = wholeNumber(map, "jitter_minutes", path, in: 0...Int.max) ?? 0
            if let active = map["active"] {
                if let flag = active as? Bool {
                    definition.active = flag
                } else {
                    problems.append(ConfigProblem(path: "\(path).active", message: "expected true or false"))
                }
            }
            if let missed = string(map, "missed", path) {
                if let policy = ScheduleDefinition.Missed(rawValue: missed) {
                    definition.missed = policy
                } else {
                    problems.append(
                        ConfigProblem(path: "\(path).missed", message: "expected `skip` or `once`, got `\(missed)`"))
                }
            }
            definition.variables = variables(map["variables"], "\(path).variables")
            for problem in definition.problems {
                problems.append(ConfigProblem(path: "\(path).\(problem.key)", message: problem.message))
            }
            schedules.append(definition)
        }
        return schedules
    }

    /// The schedule's forge: the one given, else the only forge its project is configured on (or
    /// the only forge there is).
    private mutating func scheduleForge(
        _ map: [String: Any], project: String, path: String, forges: [String: TrainyardConfig.Forge],
        projects: [TrainyardConfig.Project]
    ) -> String? {
        if let forge = string(map, "forge", path) {
            if forges[forge] == nil && !declaredForges.contains(forge) {
                problems.append(
                    ConfigProblem(path: "\(path).forge", message: "no forge named `\(forge)` under `forges`"))
                return nil
            }
            return forge
        }
        let configured = Set(projects.filter { $0.path == project }.map(\.forge))
        if configured.count == 1, let only = configured.first { return only }
        if configured.isEmpty, forges.count == 1, let only = forges.keys.first { return only }
        let reason =
            configured.count > 1
            ? "`\(project)` is configured on several forges (\(configured.sorted().joined(separator: ", "))); say which"
            : "give `forge`: `\(project)` is not under `projects` and there is not exactly one forge"
        problems.append(ConfigProblem(path: "\(path).forge", message: reason))
        return nil
    }

    private mutating func variables(_ value: Any?, _ path: String) -> [String: String] {
        guard let value else { return [:] }
        guard let map = value as? [String: Any] else {
            problems.append(ConfigProblem(path: path, message: "expected a mapping of names to values"))
            return [:]
        }
        var result: [String: String] = [:]
        for key in map.keys.sorted() {
            if let text = string(map, key, path) { result[key] = text }
        }
        return result
    }

    /// `schedule_alerts`: where alerts about failing schedules go.
    mutating func parseScheduleAlerts(_ value: Any?) -> TrainyardConfig.ScheduleAlerts {
        var alerts = TrainyardConfig.ScheduleAlerts()
        guard let value else { return alerts }
        guard let map = value as? [String: Any] else {
            problems.append(
                ConfigProblem(
                    path: "schedule_alerts",
                    message: "expected a mapping with slack_webhook_url, mattermost_webhook_url, webhook_url"))
            return alerts
        }
        let path = "schedule_alerts"
        checkKeys(map, path, ["slack_webhook_url", "mattermost_webhook_url", "webhook_url", "webhook_secret"])
        func url(_ key: String) -> URL? {
            guard let text = string(map, key, path) else { return nil }
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                url.host != nil
            else {
                problems.append(
                    ConfigProblem(path: "\(path).\(key)", message: "expected an http(s) URL, got `\(text)`"))
                return nil
            }
            return url
        }
        alerts.slackURL = url("slack_webhook_url")
        alerts.mattermostURL = url("mattermost_webhook_url")
        alerts.webhookURL = url("webhook_url")
        alerts.webhookSecret = string(map, "webhook_secret", path)
        if let secret = alerts.webhookSecret, secret.count < 8 {
            problems.append(ConfigProblem(path: "\(path).webhook_secret", message: "is shorter than 8 characters"))
        }
        return alerts
    }
}

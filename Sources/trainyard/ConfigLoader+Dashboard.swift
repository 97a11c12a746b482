import Foundation
import TrainyardHTTP

/// The `dashboard:` section and `log_format`.
extension ConfigLoader {
    mutating func parseDashboard(_ value: Any?, apiTokens: [String]) -> TrainyardConfig.Dashboard {
        var dashboard = TrainyardConfig.Dashboard()
        guard let value else { return dashboard }
        guard let map = value as? [String: Any] else {
            problems.append(ConfigProblem(path: "dashboard", message: "expected a mapping with `access` and `token`"))
            return dashboard
        }
        checkKeys(map, "dashboard", ["access", "token"])
        if let access = string(map, "access", "dashboard") {
            if let parsed = DashboardSettings.Access(rawValue: access) {
                dashboard.access = parsed
            } else {
                problems.append(
                    ConfigProblem(
                        path: "dashboard.access", message: "expected `open` or `token`, got `\(access)`"))
            }
        }
        if let token = string(map, "token", "dashboard") {
            if token.count >= 16 {
                dashboard.token = token
            } else {
                problems.append(ConfigProblem(path: "dashboard.token", message: "use at least 16 characters"))
            }
        }
        if dashboard.access == .token, dashboard.token == nil, apiTokens.isEmpty {
            problems.append(
                ConfigProblem(
                    path: "dashboard.access",
                    message: "`token` needs `dashboard.token` or a token under `api.tokens` to let anyone in"))
        }
        return dashboard
    }

    mutating func parseLogFormat(_ value: Any?) -> TrainyardConfig.LogFormat {
        guard let value else { return .text }
        guard let text = value as? String, let format = TrainyardConfig.LogFormat(rawValue: text) else {
            problems.append(ConfigProblem(path: "log_format", message: "expected `text` or `json`"))
            return .text
        }
        return format
    }
}

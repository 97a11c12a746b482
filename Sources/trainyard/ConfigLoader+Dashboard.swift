import Foundation
import TrainyardHTTP

/// The `dashboard:` and `tracing:` sections and `log_format`.
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

    mutating func parseTracing(_ value: Any?) -> TrainyardConfig.Tracing? {
        guard let value else { return nil }
        guard let map = value as? [String: Any] else {
            problems.append(
                ConfigProblem(
                    path: "tracing", message: "expected a mapping with `otlp_endpoint`, `protocol`, `service_name`"))
            return nil
        }
        checkKeys(map, "tracing", ["otlp_endpoint", "protocol", "service_name"])
        guard let endpoint = string(map, "otlp_endpoint", "tracing", required: true) else { return nil }
        guard let url = URL(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            problems.append(
                ConfigProblem(
                    path: "tracing.otlp_endpoint",
                    message: "expected the collector's OTLP/HTTP address, such as http://otel-collector:4318"))
            return nil
        }
        var tracing = TrainyardConfig.Tracing(endpoint: endpoint)
        if let wire = string(map, "protocol", "tracing") {
            if wire == "http/protobuf" || wire == "http/json" {
                tracing.wireProtocol = wire
            } else {
                problems.append(
                    ConfigProblem(
                        path: "tracing.protocol", message: "expected `http/protobuf` or `http/json`, got `\(wire)`"))
            }
        }
        if let name = string(map, "service_name", "tracing") {
            if name.isEmpty {
                problems.append(
                    ConfigProblem(path: "tracing.service_name", message: "expected a name, such as trainyard"))
            } else {
                tracing.serviceName = name
            }
        }
        return tracing
    }
}

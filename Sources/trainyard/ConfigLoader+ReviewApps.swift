import Foundation
import TrainyardCore

/// A project's `review_apps:` section.
extension ConfigLoader {
    static let reviewAppKeys = [
        "deploy", "url", "ttl_hours", "max_apps", "debounce_seconds", "checks", "max_diff_ratio",
        "wait_seconds", "baseline_url",
    ]

    mutating func parseReviewApps(_ value: Any?, _ project: String) -> ReviewAppSettings? {
        guard let value else { return nil }
        let path = "\(project).review_apps"
        guard let map = value as? [String: Any] else {
            problems.append(ConfigProblem(path: path, message: "expected a mapping with deploy, url, ttl_hours, …"))
            return nil
        }
        checkKeys(map, path, Self.reviewAppKeys)
        var settings = ReviewAppSettings()
        switch map["deploy"] {
        case nil, "pipeline" as String:
            settings.method = .pipeline
        case let http as [String: Any]:
            guard let inner = http["http"] as? [String: Any] else {
                problems.append(
                    ConfigProblem(path: "\(path).deploy", message: "expected `pipeline` or {http: {url, secret}}"))
                break
            }
            checkKeys(inner, "\(path).deploy.http", ["url", "secret"])
            let url = string(inner, "url", "\(path).deploy.http", required: true) ?? ""
            let secret = string(inner, "secret", "\(path).deploy.http", required: true) ?? ""
            settings.method = .http(url: url, secret: secret)
        default:
            problems.append(
                ConfigProblem(path: "\(path).deploy", message: "expected `pipeline` or {http: {url, secret}}"))
        }
        settings.urlTemplate = string(map, "url", path)
        settings.baselineURL = string(map, "baseline_url", path)
        settings.ttlHours = wholeNumber(map, "ttl_hours", path, in: 1...8_760) ?? settings.ttlHours
        settings.maxApps = wholeNumber(map, "max_apps", path, in: 1...1_000) ?? settings.maxApps
        settings.waitSeconds = wholeNumber(map, "wait_seconds", path, in: 0...1_800) ?? settings.waitSeconds
        settings.debounceSeconds = wholeNumber(map, "debounce_seconds", path, in: 0...3_600) ?? settings.debounceSeconds
        if let ratio = map["max_diff_ratio"] {
            if let number = (ratio as? Double) ?? (ratio as? Int).map(Double.init), (0...1).contains(number) {
                settings.maxDiffRatio = number
            } else {
                problems.append(ConfigProblem(path: "\(path).max_diff_ratio", message: "expected a number from 0 to 1"))
            }
        }
        if let checks = map["checks"] {
            settings.checks = parseChecks(checks, "\(path).checks")
        }
        for problem in settings.problems {
            let key = problem.prefix { $0 != ":" }
            guard !problems.contains(where: { $0.path == "\(path).\(key)" }) else { continue }
            problems.append(
                ConfigProblem(path: "\(path).\(key)", message: String(problem.dropFirst(key.count + 2))))
        }
        return settings
    }

    private mutating func parseChecks(_ value: Any, _ path: String) -> [ReviewAppSettings.Check] {
        guard let list = value as? [Any] else {
            problems.append(
                ConfigProblem(path: path, message: "expected a list of {path, expect_status, expect_selector}"))
            return []
        }
        var checks: [ReviewAppSettings.Check] = []
        for (index, item) in list.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let map = item as? [String: Any] else {
                problems.append(ConfigProblem(path: itemPath, message: "expected a mapping with path"))
                continue
            }
            checkKeys(map, itemPath, ["path", "expect_status", "expect_selector"])
            guard let page = string(map, "path", itemPath, required: true) else { continue }
            checks.append(
                ReviewAppSettings.Check(
                    path: page, expectStatus: wholeNumber(map, "expect_status", itemPath, in: 100...599),
                    expectSelector: string(map, "expect_selector", itemPath)))
        }
        return checks
    }
}

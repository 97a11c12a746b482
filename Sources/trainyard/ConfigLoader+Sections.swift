import Foundation
import TrainyardCore
import TrainyardEngine
import TrainyardGit

/// The `forges:` and `projects:` sections.
extension ConfigLoader {
    mutating func parseForges(_ value: Any?) -> [String: TrainyardConfig.Forge] {
        guard let value else { return [:] }
        guard let map = value as? [String: Any] else {
            problems.append(ConfigProblem(path: "forges", message: "expected a mapping from forge names to forges"))
            return [:]
        }
        var forges: [String: TrainyardConfig.Forge] = [:]
        for name in map.keys.sorted() {
            let path = "forges.\(name)"
            guard let forge = map[name] as? [String: Any] else {
                problems.append(
                    ConfigProblem(path: path, message: "expected a mapping with kind, url, token, webhook_secret"))
                continue
            }
            checkKeys(forge, path, ["kind", "url", "token", "webhook_secret", "app_id", "private_key_file", "report"])
            if name == "schedule" || name == "review-apps" {
                problems.append(
                    ConfigProblem(path: path, message: "`\(name)` is reserved; give the forge another name"))
            }
            let kind = string(forge, "kind", path, required: true)
            if let kind, kind != "gitlab", kind != "github" {
                problems.append(
                    ConfigProblem(
                        path: "\(path).kind", message: "unsupported forge kind `\(kind)`; use `gitlab` or `github`"))
            }
            declaredForges.insert(name)
            let urlText = string(forge, "url", path, required: true)
            let url = urlText.flatMap { URL(string: $0) }
            if let urlText, !["http", "https"].contains(url?.scheme?.lowercased() ?? "") || url?.host == nil {
                problems.append(
                    ConfigProblem(path: "\(path).url", message: "expected an http(s) URL, got `\(urlText)`"))
            }
            let appID = string(forge, "app_id", path)
            let keyFile = string(forge, "private_key_file", path)
            let report = string(forge, "report", path)
            if kind != "github", appID != nil || keyFile != nil || report != nil {
                problems.append(
                    ConfigProblem(path: path, message: "app_id, private_key_file and report are for `kind: github`"))
            }
            if (appID == nil) != (keyFile == nil) {
                problems.append(
                    ConfigProblem(path: path, message: "a GitHub App needs both `app_id` and `private_key_file`"))
            }
            if let report, report != "check_run", report != "status" {
                problems.append(ConfigProblem(path: "\(path).report", message: "expected `check_run` or `status`"))
            }
            if report == "check_run", appID == nil {
                problems.append(
                    ConfigProblem(
                        path: "\(path).report",
                        message: "only a GitHub App may post check runs; use `report: status` with a token"))
            }
            let token =
                string(forge, "token", path, required: kind != "github" || appID == nil) ?? (appID != nil ? "" : nil)
            let secret = string(forge, "webhook_secret", path, required: true)
            if let secret, secret.count < 8 {
                problems.append(
                    ConfigProblem(
                        path: "\(path).webhook_secret",
                        message: "is shorter than 8 characters; use a long random secret"))
            }
            if let kind, let url, url.host != nil, let token, let secret {
                forges[name] = .init(
                    name: name, kind: kind, url: url, token: token, webhookSecret: secret, appID: appID,
                    privateKeyFile: keyFile, report: report)
            }
        }
        return forges
    }

    mutating func parseProjects(_ value: Any?, forges: [String: TrainyardConfig.Forge]) -> [TrainyardConfig.Project] {
        guard let value else { return [] }
        guard let list = value as? [Any] else {
            problems.append(ConfigProblem(path: "projects", message: "expected a list of projects"))
            return []
        }
        var projects: [TrainyardConfig.Project] = []
        var seen: Set<String> = []
        for (index, item) in list.enumerated() {
            let path = "projects[\(index)]"
            guard let map = item as? [String: Any] else {
                problems.append(ConfigProblem(path: path, message: "expected a mapping with forge, path, targets"))
                continue
            }
            checkKeys(
                map, path,
                [
                    "forge", "path", "targets", "git_url", "max_parallel", "merge_access_level", "control_access_level",
                    "planner",
                    "pipeline_timeout_minutes", "flake_retries", "planner_settings", "review_apps", "required_checks",
                    "merge_checks",
                ])
            let forge = string(map, "forge", path, required: true)
            if let forge, forges[forge] == nil, !declaredForges.contains(forge) {
                let known = forges.keys.sorted().joined(separator: ", ")
                problems.append(
                    ConfigProblem(
                        path: "\(path).forge",
                        message: "no forge `\(forge)` under `forges` (known: \(known.isEmpty ? "none" : known))"))
            }
            let projectPath = string(map, "path", path, required: true)
            if let projectPath, projectPath.isEmpty || projectPath.hasPrefix("/") || projectPath.contains("..") {
                problems.append(
                    ConfigProblem(path: "\(path).path", message: "expected a project path such as group/app"))
            }
            let targets = strings(map, "targets", path) ?? []
            if map["targets"] == nil || targets.isEmpty {
                problems.append(ConfigProblem(path: "\(path).targets", message: "list at least one target branch"))
            }
            for (position, target) in targets.enumerated() where !Self.isSafeBranch(target) {
                problems.append(
                    ConfigProblem(
                        path: "\(path).targets[\(position)]", message: "`\(target)` is not a valid branch name"))
            }
            let mergeAccessLevel = accessLevel(map, "merge_access_level", path) ?? 30
            let controlAccessLevel = accessLevel(map, "control_access_level", path) ?? 40
            var planner = PlannerKind.adaptive
            var plannerKnown = true
            if let text = string(map, "planner", path) {
                if let kind = PlannerKind(rawValue: text) {
                    planner = kind
                } else {
                    plannerKnown = false
                    let names = PlannerKind.allCases.map(\.rawValue).joined(separator: ", ")
                    problems.append(
                        ConfigProblem(
                            path: "\(path).planner", message: "unknown planner `\(text)`; use one of \(names)"))
                }
            }
            // Settings are checked against the planner they are for, once it is known.
            let plannerSettings =
                plannerKnown ? parsePlannerSettings(map["planner_settings"], planner: planner, path) : PlannerSettings()
            var timeout = 180
            if let value = map["pipeline_timeout_minutes"] {
                if let minutes = value as? Int, (1...10_080).contains(minutes) {
                    timeout = minutes
                } else {
                    problems.append(
                        ConfigProblem(
                            path: "\(path).pipeline_timeout_minutes",
                            message: "expected a whole number of minutes from 1 to 10080"))
                }
            }
            var flakeRetries = 0
            if let value = map["flake_retries"] {
                if let count = value as? Int, (0...3).contains(count) {
                    flakeRetries = count
                } else {
                    problems.append(
                        ConfigProblem(path: "\(path).flake_retries", message: "expected a whole number from 0 to 3"))
                }
            }
            var maxParallel = 8
            if let value = map["max_parallel"], !(value is Int) {
                problems.append(
                    ConfigProblem(path: "\(path).max_parallel", message: "expected a whole number from 1 to 100"))
            } else if let text = string(map, "max_parallel", path) {
                if let number = Int(text), (1...100).contains(number) {
                    maxParallel = number
                } else {
                    problems.append(
                        ConfigProblem(path: "\(path).max_parallel", message: "expected a whole number from 1 to 100"))
                }
            }
            let gitURL = string(map, "git_url", path)
            let reviewApps = parseReviewApps(map["review_apps"], path)
            let requiredChecks = strings(map, "required_checks", path) ?? []
            var mergeChecks = MergeCheck.defaults
            if let names = strings(map, "merge_checks", path) {
                mergeChecks = []
                for name in names {
                    if let check = MergeCheck(rawValue: name) {
                        mergeChecks.insert(check)
                    } else {
                        let known = MergeCheck.allCases.map(\.rawValue).joined(separator: ", ")
                        problems.append(
                            ConfigProblem(
                                path: "\(path).merge_checks",
                                message: "`\(name)` is not a merge check (known: \(known))"))
                    }
                }
            }
            if let forge, forges[forge]?.kind == "github", map["review_apps"] != nil {
                problems.append(
                    ConfigProblem(path: "\(path).review_apps", message: "review apps need a GitLab forge for now"))
            }
            if let forge, let projectPath {
                if !seen.insert("\(forge):\(projectPath)").inserted {
                    problems.append(
                        ConfigProblem(path: "\(path).path", message: "`\(projectPath)` is configured twice"))
                }
                projects.append(
                    .init(
                        forge: forge, path: projectPath, targets: targets, gitURL: gitURL, maxParallel: maxParallel,
                        mergeAccessLevel: mergeAccessLevel, controlAccessLevel: controlAccessLevel, planner: planner,
                        pipelineTimeoutMinutes: timeout,
                        flakeRetries: flakeRetries, plannerSettings: plannerSettings, reviewApps: reviewApps,
                        requiredChecks: requiredChecks, mergeChecks: mergeChecks))
            }
        }
        return projects
    }

    /// A GitLab role name under `key` as its access level; nil (and a problem when it is not a
    /// role) otherwise.
    mutating func accessLevel(_ map: [String: Any], _ key: String, _ path: String) -> Int? {
        guard let text = string(map, key, path) else { return nil }
        guard let level = Self.accessLevels[text.lowercased()] else {
            problems.append(ConfigProblem(path: "\(path).\(key)", message: "expected developer, maintainer or owner"))
            return nil
        }
        return level
    }

    /// The rules the git adapter enforces, checked at start-up, plus: `trainyard/` is Trainyard's own.
    static func isSafeBranch(_ name: String) -> Bool {
        RefName.isValidBranch(name) && !name.hasPrefix("trainyard/")
    }

    /// GitLab's access levels by role name.
    static let accessLevels = ["developer": 30, "maintainer": 40, "owner": 50]
}

import Foundation

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
            checkKeys(forge, path, ["kind", "url", "token", "webhook_secret"])
            let kind = string(forge, "kind", path, required: true)
            if let kind, kind != "gitlab" {
                problems.append(
                    ConfigProblem(path: "\(path).kind", message: "unsupported forge kind `\(kind)`; use `gitlab`"))
            }
            let urlText = string(forge, "url", path, required: true)
            let url = urlText.flatMap { URL(string: $0) }
            if let urlText, url?.scheme == nil || url?.host == nil {
                problems.append(
                    ConfigProblem(path: "\(path).url", message: "expected an http(s) URL, got `\(urlText)`"))
            }
            let token = string(forge, "token", path, required: true)
            let secret = string(forge, "webhook_secret", path, required: true)
            if let secret, secret.count < 8 {
                problems.append(
                    ConfigProblem(
                        path: "\(path).webhook_secret",
                        message: "is shorter than 8 characters; use a long random secret"))
            }
            if let kind, let url, url.host != nil, let token, let secret {
                forges[name] = .init(name: name, kind: kind, url: url, token: token, webhookSecret: secret)
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
            checkKeys(map, path, ["forge", "path", "targets", "git_url", "max_parallel"])
            let forge = string(map, "forge", path, required: true)
            if let forge, forges[forge] == nil {
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
            var maxParallel = 8
            if let text = string(map, "max_parallel", path) {
                if let number = Int(text), (1...100).contains(number) {
                    maxParallel = number
                } else {
                    problems.append(
                        ConfigProblem(path: "\(path).max_parallel", message: "expected a whole number from 1 to 100"))
                }
            }
            let gitURL = string(map, "git_url", path)
            if let forge, let projectPath {
                if !seen.insert("\(forge):\(projectPath)").inserted {
                    problems.append(
                        ConfigProblem(path: "\(path).path", message: "`\(projectPath)` is configured twice"))
                }
                projects.append(
                    .init(forge: forge, path: projectPath, targets: targets, gitURL: gitURL, maxParallel: maxParallel))
            }
        }
        return projects
    }

    /// The same rules the git adapter enforces, checked early so a bad target fails at start-up.
    static func isSafeBranch(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("-"), !name.hasPrefix("/"), !name.hasSuffix("/"), !name.hasSuffix(".lock"),
            !name.contains(".."), !name.contains("//"), !name.contains("@{"), !name.hasPrefix("trainyard/")
        else { return false }
        return !name.contains { " ~^:?*[\\\t\n".contains($0) || $0.asciiValue.map { $0 < 0x20 } == true }
    }
}

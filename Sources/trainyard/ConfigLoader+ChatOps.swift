import TrainyardHTTP

/// The `chatops` section: Slack's signing secret, the Mattermost command token, and the chat
/// users mapped to forge users.
extension ConfigLoader {
    mutating func parseChatOps(_ value: Any?, forges: [String: TrainyardConfig.Forge]) -> ChatOpsSettings {
        var settings = ChatOpsSettings()
        guard let value else { return settings }
        guard let map = value as? [String: Any] else {
            problems.append(
                ConfigProblem(path: "chatops", message: "expected a mapping with `slack`, `mattermost`, `users`"))
            return settings
        }
        checkKeys(map, "chatops", ["slack", "mattermost", "users", "reply_hosts"])
        if let hosts = strings(map, "reply_hosts", "chatops") {
            for (index, host) in hosts.enumerated() where host.isEmpty || host.contains("/") || host.contains(":") {
                problems.append(
                    ConfigProblem(
                        path: "chatops.reply_hosts[\(index)]", message: "expected a host name such as hooks.slack.com"))
            }
            settings.replyHosts = hosts
        }
        settings.slackSigningSecret = secret(map["slack"], "chatops.slack", key: "signing_secret")
        settings.mattermostToken = secret(map["mattermost"], "chatops.mattermost", key: "token")
        guard let users = map["users"] else { return settings }
        guard let list = users as? [Any] else {
            problems.append(ConfigProblem(path: "chatops.users", message: "expected a list of users"))
            return settings
        }
        var seen: [String: String] = [:]
        for (index, item) in list.enumerated() {
            let path = "chatops.users[\(index)]"
            guard let user = item as? [String: Any] else {
                problems.append(
                    ConfigProblem(
                        path: path, message: "expected a mapping with `forge`, `username`, `slack`, `mattermost`"))
                continue
            }
            checkKeys(user, path, ["forge", "username", "slack", "mattermost"])
            guard let forge = string(user, "forge", path, required: true),
                let username = string(user, "username", path, required: true)
            else { continue }
            if forges[forge] == nil {
                problems.append(
                    ConfigProblem(path: "\(path).forge", message: "no forge named `\(forge)` under `forges`"))
            }
            let slack = string(user, "slack", path)
            let mattermost = string(user, "mattermost", path)
            if slack == nil && mattermost == nil {
                problems.append(ConfigProblem(path: path, message: "give at least one of `slack` and `mattermost`"))
            }
            for (kind, id) in [("slack", slack), ("mattermost", mattermost)] {
                guard let id else { continue }
                if let earlier = seen["\(kind):\(id)"] {
                    problems.append(
                        ConfigProblem(path: "\(path).\(kind)", message: "`\(id)` is already mapped, in \(earlier)"))
                }
                seen["\(kind):\(id)"] = path
            }
            settings.users.append(
                ChatOpsSettings.User(forge: forge, username: username, slack: slack, mattermost: mattermost))
        }
        return settings
    }

    /// A mapping `{key: secret}` of at least 8 characters; nil (and a problem) otherwise.
    private mutating func secret(_ value: Any?, _ path: String, key: String) -> String? {
        guard let value else { return nil }
        guard let map = value as? [String: Any] else {
            problems.append(ConfigProblem(path: path, message: "expected a mapping with `\(key)`"))
            return nil
        }
        checkKeys(map, path, [key])
        guard let secret = string(map, key, path, required: true) else { return nil }
        guard secret.count >= 8 else {
            problems.append(
                ConfigProblem(path: "\(path).\(key)", message: "too short: use the value the chat service shows"))
            return nil
        }
        return secret
    }
}

import Foundation
import TrainyardCore
import TrainyardEngine

/// Trainyard's report on a pull request's head (a check run named `trainyard`, or a commit
/// status), and the required checks of a target.
extension GitHubClient {
    /// Posts the train's state of a change on its head, only when it differs from the last post.
    /// A check run is created once per commit and then edited in place.
    public func setStatus(project: ProjectSettings, sha: SHA, state: CommitState, description: String) async throws {
        let repository = project.key.path
        let text = String(description.prefix(140))
        let key = "\(repository)@\(sha.value)"
        guard await posted.changed(key, to: "\(state.rawValue) \(text)") else { return }
        do {
            switch report {
            case .status:
                let word: String
                switch state {
                case .pending, .running: word = "pending"
                case .success: word = "success"
                case .failed: word = "failure"
                case .canceled: word = "error"
                }
                _ = try await send(
                    "POST", "repos/\(repository)/statuses/\(sha.value)", repository: repository,
                    json: try Self.json(["state": word, "context": statusName, "description": text]))
            case .checkRun:
                try await postCheckRun(repository: repository, sha: sha, state: state, summary: description)
            }
        } catch {
            await posted.forget(key)
            throw error
        }
    }

    func postCheckRun(repository: String, sha: SHA, state: CommitState, summary: String) async throws {
        struct Runs: Decodable {
            struct Run: Decodable { let id: Int }
            let check_runs: [Run]
        }
        var fields: [String: Any] = [
            "name": statusName, "head_sha": sha.value,
            "output": ["title": String(summary.prefix(100)), "summary": String(summary.prefix(60_000))],
        ]
        switch state {
        case .pending: fields["status"] = "queued"
        case .running: fields["status"] = "in_progress"
        case .success, .failed, .canceled:
            fields["status"] = "completed"
            fields["conclusion"] = state == .success ? "success" : state == .failed ? "failure" : "cancelled"
        }
        let existing: Runs = try decode(
            try await send(
                "GET", "repos/\(repository)/commits/\(sha.value)/check-runs", repository: repository,
                query: ["check_name": statusName, "filter": "latest"]), "Trainyard's check run")
        if let run = existing.check_runs.first {
            _ = try await send(
                "PATCH", "repos/\(repository)/check-runs/\(run.id)", repository: repository, json: try Self.json(fields)
            )
        } else {
            _ = try await send(
                "POST", "repos/\(repository)/check-runs", repository: repository, json: try Self.json(fields),
                creates: true)
        }
    }

    /// The checks a car on `target` needs: the target's branch protection, its rulesets and the
    /// project's `required_checks` together (rules from several places all apply). Read at most
    /// every five minutes per target. A protection Trainyard may not read (it needs the
    /// Administration permission) counts as none; the rulesets need only Metadata.
    func required(project: ProjectSettings, target: String) async throws -> Set<String> {
        let repository = project.key.path
        if let known = await requiredChecks.get("\(repository)#\(target)") {
            return known.union(project.requiredChecks)
        }
        var names = Set<String>()
        let branch = target.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? target
        struct Protection: Decodable {
            struct Check: Decodable { let context: String }
            let contexts: [String]?
            let checks: [Check]?
        }
        do {
            let protection: Protection = try decode(
                try await send(
                    "GET", "repos/\(repository)/branches/\(branch)/protection/required_status_checks",
                    repository: repository), "the protection of \(target)")
            names.formUnion(protection.contexts ?? [])
            names.formUnion((protection.checks ?? []).map(\.context))
        } catch let error as PermanentError
            where error.description.contains(" 404 ") || error.description.contains(" 403 ")
        {
            logger.debug("no readable branch protection", metadata: ["target": "\(target)"])
        }
        struct Rule: Decodable {
            struct Parameters: Decodable {
                struct Check: Decodable { let context: String }
                let required_status_checks: [Check]?
            }
            let type: String
            let parameters: Parameters?
        }
        do {
            let rules: [Rule] = try decode(
                try await send(
                    "GET", "repos/\(repository)/rules/branches/\(branch)", repository: repository,
                    query: ["per_page": "100"]), "the rules of \(target)")
            for rule in rules where rule.type == "required_status_checks" {
                names.formUnion((rule.parameters?.required_status_checks ?? []).map(\.context))
            }
        } catch let error as PermanentError where error.description.contains(" 404 ") {
            logger.debug("no rulesets", metadata: ["target": "\(target)"])
        }
        names.remove(statusName)
        // None found is not kept: the next car reads again, so a fixed protection counts at once.
        if !names.isEmpty { await requiredChecks.set("\(repository)#\(target)", names) }
        return names.union(project.requiredChecks)
    }
}

/// Required checks per repository and target, kept five minutes.
actor RequiredCheckCache {
    var entries: [String: (names: Set<String>, read: ContinuousClock.Instant)] = [:]

    func get(_ key: String) -> Set<String>? {
        guard let entry = entries[key], ContinuousClock.now - entry.read < .seconds(300) else { return nil }
        return entry.names
    }

    func set(_ key: String, _ names: Set<String>) { entries[key] = (names, ContinuousClock.now) }
}

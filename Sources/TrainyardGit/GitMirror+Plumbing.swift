import Foundation
import TrainyardCore
import TrainyardEngine

/// The git plumbing under ``GitMirror``.
extension GitMirror {
    /// The bare mirror of a project, created on first use.
    func mirror(_ project: ProjectSettings) async throws -> String {
        let safe = project.key.path.split(separator: "/").filter { $0 != ".." && $0 != "." && !$0.isEmpty }
            .joined(separator: "/")
        let path = "\(root)/\(project.key.forge)/\(safe).git"
        if !FileManager.default.fileExists(atPath: "\(path)/HEAD") {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try await git.check(["init", "--quiet", "--bare", path])
            try await git.check(["config", "gc.auto", "0"], in: path)
        }
        return path
    }

    /// The environment that hands git the forge's credential, only when the project's git URL is
    /// on the forge's own host.
    func credentials(_ project: ProjectSettings) async throws -> [String: String] {
        guard let credential = authorization[project.key.forge],
            URL(string: project.gitURL)?.host?.lowercased() == credential.host.lowercased()
        else { return [:] }
        return [
            "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "http.extraHeader",
            "GIT_CONFIG_VALUE_0": try await credential.header(for: project.key.path),
        ]
    }

    func fetch(_ project: ProjectSettings, _ repo: String, _ refspecs: [String]) async throws {
        let output = try await git.run(
            ["fetch", "--quiet", "--no-tags", "--end-of-options", project.gitURL] + refspecs, in: repo,
            extraEnvironment: try await credentials(project))
        guard output.succeeded else {
            throw GitError(command: ["fetch"], message: Self.scrub(output.stderr))
        }
    }

    func push(_ project: ProjectSettings, _ repo: String, _ arguments: [String]) async throws {
        let output = try await git.run(
            ["push", "--porcelain"] + arguments, in: repo, extraEnvironment: try await credentials(project))
        guard output.succeeded else {
            throw GitError(command: ["push"], message: Self.scrub(output.stderr + output.stdout))
        }
    }

    func resolve(_ repo: String, _ ref: String) async throws -> SHA {
        let text = try await git.check(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", "\(ref)^{commit}"], in: repo)
        guard let sha = SHA(validating: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw GitError(command: ["rev-parse"], message: "no commit at \(ref)")
        }
        return sha
    }

    func hasCommit(_ repo: String, _ sha: SHA) async throws -> Bool {
        try await git.run(["cat-file", "-e", "\(sha.value)^{commit}"], in: repo).succeeded
    }

    /// Writes a merge commit with a deterministic identity and date (the change's queue time).
    func commit(_ repo: String, tree: SHA, parents: [SHA], change: Change, _ project: ProjectSettings) async throws
        -> SHA
    {
        let date = "@\(change.enqueuedAt.seconds) +0000"
        var environment = Self.identity
        environment["GIT_AUTHOR_DATE"] = date
        environment["GIT_COMMITTER_DATE"] = date
        let title = change.title.isEmpty ? "" : " \(change.title.prefix(200))"
        let message =
            "Merge !\(change.number):\(title)\n\nMerged by Trainyard for \(project.key.path)!\(change.number)"
            + " at head \(change.head.value)."
        var arguments = ["commit-tree", tree.value]
        for parent in parents { arguments += ["-p", parent.value] }
        arguments += ["-m", message]
        let text = try await git.check(arguments, in: repo, extraEnvironment: environment)
        guard let sha = SHA(validating: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw GitError(command: ["commit-tree"], message: "unexpected output: \(text.prefix(200))")
        }
        return sha
    }

    /// Where the branch points on the forge now, without fetching objects.
    func remoteHead(_ project: ProjectSettings, _ branch: String) async throws -> SHA? {
        let output = try await git.run(
            ["ls-remote", "--end-of-options", project.gitURL, "refs/heads/\(branch)"], in: nil,
            extraEnvironment: try await credentials(project))
        guard output.succeeded else { throw GitError(command: ["ls-remote"], message: Self.scrub(output.stderr)) }
        return output.stdout.split(separator: "\t").first.flatMap { SHA(validating: String($0)) }
    }

    /// The line of `git push --porcelain` that says why a ref was refused.
    static func rejection(_ porcelain: String) -> String {
        let line = porcelain.split(separator: "\n").first { $0.hasPrefix("!") } ?? Substring(porcelain)
        return "the forge refused the push: " + line.split(separator: "\t").dropFirst().joined(separator: " ")
    }

    /// Removes anything that looks like credentials in a URL from git's messages.
    static func scrub(_ text: String) -> String {
        text.replacing(#/://[^/@\s]+@/#, with: "://***@").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

import Foundation
import Logging
import TrainyardCore
import TrainyardEngine
import TrainyardGit

/// A real bare "forge" repository with a work clone to make commits, and a mirror folder.
struct GitFixture {
    let root: URL
    let remote: URL
    let work: URL
    let git = GitRunner(environment: [
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
    ])

    init() async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-git-\(UUID().uuidString)")
        remote = root.appendingPathComponent("remote.git")
        work = root.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try await git.check(["init", "--quiet", "--bare", "-b", "main", remote.path])
        try await git.check(["config", "receive.advertisePushOptions", "true"], in: remote.path)
        try await git.check(["clone", "--quiet", remote.path, work.path])
        try await commit(["README.md": "hello\n"], message: "initial")
        try await git.check(["push", "--quiet", "origin", "HEAD:refs/heads/main"], in: work.path)
    }

    var project: ProjectSettings {
        ProjectSettings(
            key: ProjectKey(forge: "gitlab", path: "group/app"), targets: ["main"], gitURL: remote.absoluteString,
            train: TrainSettings())
    }

    func mirror() -> GitMirror {
        GitMirror(root: root.appendingPathComponent("mirrors").path, logger: Logger(label: "test"))
    }

    @discardableResult
    func commit(_ files: [String: String], message: String) async throws -> SHA {
        for (path, content) in files {
            let url = work.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        try await git.check(["add", "-A"], in: work.path)
        try await git.check(["commit", "--quiet", "-m", message], in: work.path)
        return SHA(
            try await git.check(["rev-parse", "HEAD"], in: work.path).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Makes merge request `number`: a branch from main with `files`, published as
    /// `refs/merge-requests/<number>/head` like GitLab does.
    func mergeRequest(_ number: Int, _ files: [String: String]) async throws -> Change {
        try await git.check(["checkout", "--quiet", "-B", "mr-\(number)", "origin/main"], in: work.path)
        try await git.check(["fetch", "--quiet", "origin"], in: work.path)
        try await git.check(["reset", "--quiet", "--hard", "origin/main"], in: work.path)
        let head = try await commit(files, message: "change \(number)")
        try await git.check(["push", "--quiet", "origin", "HEAD:refs/merge-requests/\(number)/head"], in: work.path)
        return Change(
            number: number, head: head, title: "Change \(number)",
            enqueuedAt: Instant(seconds: 1_700_000_000 + Int64(number)))
    }

    /// Pushes a commit to main as a person would.
    func pushToMain(_ files: [String: String]) async throws -> SHA {
        try await git.check(["checkout", "--quiet", "-B", "hotfix", "origin/main"], in: work.path)
        try await git.check(["fetch", "--quiet", "origin"], in: work.path)
        try await git.check(["reset", "--quiet", "--hard", "origin/main"], in: work.path)
        let sha = try await commit(files, message: "hotfix")
        try await git.check(["push", "--quiet", "origin", "HEAD:refs/heads/main"], in: work.path)
        return sha
    }

    func remoteHead(_ branch: String) async throws -> SHA? {
        let output = try await git.run(["rev-parse", "--verify", "--quiet", "refs/heads/\(branch)"], in: remote.path)
        return output.succeeded ? SHA(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) : nil
    }

    func firstParent(of commit: SHA) async throws -> SHA {
        SHA(
            try await git.check(["rev-parse", "\(commit.value)^1"], in: remote.path).trimmingCharacters(
                in: .whitespacesAndNewlines))
    }

    func file(_ path: String, at commit: SHA) async throws -> String {
        try await git.check(["show", "\(commit.value):\(path)"], in: remote.path)
    }

    /// Builds car 1 with one new merge request on the current target; returns the base and the
    /// car's commit.
    func carOfOneChange(_ mirror: GitMirror) async throws -> (base: SHA, commit: SHA) {
        let base = try await mirror.targetHead(project: project, target: "main")
        let one = try await mergeRequest(1, ["one.txt": "1\n"])
        let built = try await mirror.buildCar(project: project, ref: "trainyard/main/1", base: base, changes: [one])
        guard case .built(let commit) = built else { throw PermanentError("expected a built car, got \(built)") }
        return (base, commit)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

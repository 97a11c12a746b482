import Foundation

/// The fake's own clone of a project, where it makes commits as a human would and pushes them
/// to the bare repository, through its real post-receive hook.
///
/// Commits are built with plumbing commands in a private index, so the clone never needs a
/// checkout and several commits can be made at once without stepping on each other.
struct FakeWorkClone: Sendable {
    let directory: URL
    let remote: URL
    let git: GitCommand

    /// Creates the (empty, never checked out) repository.
    func initialize() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try await git.run(["init", "--quiet", "."])
    }

    /// Makes a commit that sets `files` (path to contents) on top of the remote's `parentRef`,
    /// or a root commit when `parentRef` is `nil`. Returns its id; nothing is pushed.
    /// - Parameter author: Author and committer (`<author>@example.com`); `nil` for the fake's own identity.
    func commit(files: [String: String], parentRef: String?, message: String, author: String?) async throws -> String {
        let token = UUID().uuidString
        let index = directory.appendingPathComponent(".git/fake-index-\(token)")
        let localRef = "refs/fake/parent-\(token)"
        defer { try? FileManager.default.removeItem(at: index) }
        var environment = ["GIT_INDEX_FILE": index.path]
        if let author {
            environment["GIT_AUTHOR_NAME"] = author
            environment["GIT_AUTHOR_EMAIL"] = "\(author)@example.com"
            environment["GIT_COMMITTER_NAME"] = author
            environment["GIT_COMMITTER_EMAIL"] = "\(author)@example.com"
        }

        var parent: String?
        if let parentRef {
            try await git.run([
                "fetch", "--quiet", "--no-tags", "--end-of-options", remote.absoluteString, "+\(parentRef):\(localRef)",
            ])
            parent = try await git.run(["rev-parse", "--verify", "--end-of-options", "\(localRef)^{commit}"]).text
            try await git.run(["update-ref", "-d", "--end-of-options", localRef])
        }
        if let parent {
            try await git.run(["read-tree", "--end-of-options", parent], environment: environment)
        } else {
            try await git.run(["read-tree", "--empty"], environment: environment)
        }
        var entries = ""
        for (path, contents) in files.sorted(by: { $0.key < $1.key }) {
            let blob = try await git.run(["hash-object", "-w", "--stdin"], input: Data(contents.utf8)).text
            entries += "100644 \(blob)\t\(path)\n"
        }
        if !entries.isEmpty {
            try await git.run(
                ["update-index", "--add", "--index-info"], input: Data(entries.utf8), environment: environment)
        }
        let tree = try await git.run(["write-tree"], environment: environment).text
        var arguments = ["commit-tree", "-F", "-"]
        if let parent { arguments += ["-p", parent] }
        arguments += ["--end-of-options", tree]
        return try await git.run(arguments, input: Data(message.utf8), environment: environment).text
    }

    /// Pushes `sha` to the remote's `branch` as `pusher`, with the given push options.
    /// Returns once git (and so the post-receive hook) has finished.
    func push(_ sha: String, to branch: String, pusher: String, options: [String]) async throws {
        var arguments = ["push", "--quiet"]
        for option in options { arguments += ["--push-option=\(option)"] }
        arguments += ["--end-of-options", remote.absoluteString, "\(sha):refs/heads/\(branch)"]
        try await git.run(arguments, environment: ["GL_USERNAME": pusher])
    }

    /// Puts `sha` on the remote's `branch` by fetching it from the remote side, so no hook runs.
    func seed(_ sha: String, as branch: String, into repository: FakeGitRepository) async throws {
        let seedRef = "refs/fake/seed-\(UUID().uuidString)"
        try await git.run(["update-ref", "--end-of-options", seedRef, sha])
        try await repository.git.run([
            "fetch", "--quiet", "--no-tags", "--end-of-options", directory.path, "\(seedRef):refs/heads/\(branch)",
        ])
        try await git.run(["update-ref", "-d", "--end-of-options", seedRef])
    }
}

import Foundation

/// A bare repository of the fake, read and updated with the git CLI.
///
/// Every revision handed to git here is either a validated object id or a full ref name
/// (`refs/heads/...`), and options end with `--end-of-options`, so no name can be read as an option.
struct FakeGitRepository: Sendable {
    static let zeroSha = String(repeating: "0", count: 40)

    let gitDir: URL
    let git: GitCommand

    /// Creates the bare repository with `defaultBranch` as its unborn `HEAD`, accepting push options.
    func initialize(defaultBranch: String) async throws {
        try FileManager.default.createDirectory(at: gitDir, withIntermediateDirectories: true)
        try await git.run(["init", "--quiet", "--bare", "--initial-branch=\(defaultBranch)", "."])
        try await git.run(["config", "receive.advertisePushOptions", "true"])
        // Pinned here so that a pusher's own configuration cannot point git at other hooks.
        try await git.run(["config", "core.hooksPath", gitDir.appendingPathComponent("hooks").path])
    }

    /// Whether `text` looks like a (possibly abbreviated) object id.
    static func isObjectID(_ text: String) -> Bool {
        (4...64).contains(text.count) && text.allSatisfy(\.isHexDigit)
    }

    /// Installs `script` as the executable `hooks/post-receive`.
    func installPostReceiveHook(_ script: String) throws {
        let hooks = gitDir.appendingPathComponent("hooks")
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        let hook = hooks.appendingPathComponent("post-receive")
        try Data(script.utf8).write(to: hook)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
    }

    /// Whether `name` is a branch name git accepts (and that does not look like an option).
    static func isValidBranchName(_ name: String, using git: GitCommand) async -> Bool {
        guard !name.isEmpty, !name.hasPrefix("-") else { return false }
        let output = try? await git.attempt(["check-ref-format", "refs/heads/\(name)"])
        return output?.status == 0
    }

    /// The full id of the commit `revision` names, `nil` when there is none.
    func resolveCommit(_ revision: String) async -> String? {
        guard
            let output = try? await git.attempt([
                "rev-parse", "--verify", "--quiet", "--end-of-options", "\(revision)^{commit}",
            ]),
            output.status == 0
        else { return nil }
        return output.text
    }

    /// The full id of a commit given by a user-supplied id, `nil` when it is not an id or not a commit here.
    func resolveObjectID(_ sha: String) async -> String? {
        guard Self.isObjectID(sha) else { return nil }
        return await resolveCommit(sha)
    }

    /// The head commit of a branch.
    func branchHead(_ branch: String) async -> String? {
        await resolveCommit("refs/heads/\(branch)")
    }

    /// The commit a branch or a tag called `ref` points at, branches first.
    /// Revision syntax (`main~1`, `main@{1}`) is not a ref name and finds nothing.
    func resolveBranchOrTag(_ ref: String) async -> String? {
        guard await Self.isValidBranchName(ref, using: git) else { return nil }
        if let sha = await resolveCommit("refs/heads/\(ref)") { return sha }
        return await resolveCommit("refs/tags/\(ref)")
    }

    /// Whether `ancestor` is `descendant` or one of its ancestors.
    func isAncestor(_ ancestor: String, of descendant: String) async -> Bool {
        let output = try? await git.attempt(["merge-base", "--is-ancestor", "--end-of-options", ancestor, descendant])
        return output?.status == 0
    }

    /// `git rev-list` with the given options and revisions, newest first unless `--reverse` is among the options.
    func revList(_ options: [String], _ revisions: [String]) async -> [String] {
        guard let output = try? await git.run(["rev-list"] + options + ["--end-of-options"] + revisions) else {
            return []
        }
        return output.text.split(separator: "\n").map(String.init)
    }

    /// The branches whose history contains `sha`, in ref order.
    func branchesContaining(_ sha: String) async -> [String] {
        guard
            let output = try? await git.run(["for-each-ref", "--format=%(refname)", "--contains=\(sha)", "refs/heads/"])
        else { return [] }
        return output.text.split(separator: "\n").map { String($0.dropFirst("refs/heads/".count)) }
    }

    /// Every branch with its head commit.
    func branchHeads() async -> [String: String] {
        guard let output = try? await git.run(["for-each-ref", "--format=%(objectname) %(refname)", "refs/heads/"])
        else { return [:] }
        var heads: [String: String] = [:]
        for line in output.text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            heads[String(parts[1].dropFirst("refs/heads/".count))] = String(parts[0])
        }
        return heads
    }

    /// Points `ref` at `sha` without running any hook.
    func updateRef(_ ref: String, to sha: String) async throws {
        try await git.run(["update-ref", "--end-of-options", ref, sha])
    }

    /// The contents of `path` in commit `sha`, `nil` when there is no such file.
    func fileContents(sha: String, path: String) async -> String? {
        guard Self.isObjectID(sha),
            let output = try? await git.attempt(["cat-file", "blob", "--end-of-options", "\(sha):\(path)"]),
            output.status == 0
        else { return nil }
        return String(decoding: output.stdout, as: UTF8.self)
    }

    /// Every file of commit `sha`'s tree, by path.
    func tree(_ sha: String) async throws -> [String: String] {
        let listing = try await git.run(["ls-tree", "-r", "-z", "--full-tree", "--end-of-options", sha])
        var paths: [(path: String, blob: String)] = []
        for entry in listing.stdout.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let tab = text.firstIndex(of: "\t") else { continue }
            let fields = text[..<tab].split(separator: " ")
            guard fields.count == 3, fields[1] == "blob" else { continue }
            paths.append((String(text[text.index(after: tab)...]), String(fields[2])))
        }
        guard !paths.isEmpty else { return [:] }
        let request = paths.map(\.blob).joined(separator: "\n") + "\n"
        let batch = try await git.run(["cat-file", "--batch"], input: Data(request.utf8))
        let contents = Self.parseBatch(batch.stdout)
        var files: [String: String] = [:]
        for (path, blob) in paths {
            files[path] = contents[blob] ?? ""
        }
        return files
    }

    /// Parses `git cat-file --batch` output: `<id> <type> <size>\n<contents>\n` per object.
    private static func parseBatch(_ data: Data) -> [String: String] {
        let bytes = [UInt8](data)
        var contents: [String: String] = [:]
        var index = 0
        while index < bytes.count {
            guard let newline = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            let header = String(decoding: bytes[index..<newline], as: UTF8.self).split(separator: " ")
            guard header.count == 3, let size = Int(header[2]) else { break }
            let start = newline + 1
            let end = min(start + size, bytes.count)
            contents[String(header[0])] = String(decoding: bytes[start..<end], as: UTF8.self)
            index = end + 1
        }
        return contents
    }

    /// The message, author and changed files of commit `sha`.
    func commit(_ sha: String) async -> GitCommit {
        let format = "%H%x00%an%x00%ae%x00%aI%x00%B"
        guard let show = try? await git.run(["show", "--no-patch", "--format=\(format)", "--end-of-options", sha])
        else {
            return .unknown(sha)
        }
        let fields = String(decoding: show.stdout, as: UTF8.self).split(
            separator: "\0", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count == 5 else { return .unknown(sha) }
        var commit = GitCommit(
            id: String(fields[0]),
            message: String(fields[4]).trimmingCharacters(in: .newlines) + "\n",
            authorName: String(fields[1]),
            authorEmail: String(fields[2]),
            timestamp: String(fields[3])
        )
        if let diff = try? await git.run([
            "diff-tree", "-r", "-z", "--no-commit-id", "--name-status", "--root", "--end-of-options", sha,
        ]) {
            let parts = diff.stdout.split(separator: 0, omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self)
            }
            var index = 0
            while index + 1 < parts.count {
                switch parts[index] {
                case "A": commit.added.append(parts[index + 1])
                case "D": commit.removed.append(parts[index + 1])
                default: commit.modified.append(parts[index + 1])
                }
                index += 2
            }
        }
        return commit
    }
}

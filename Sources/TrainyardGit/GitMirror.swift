import Foundation
import Logging
import TrainyardCore
import TrainyardEngine

/// The git adapter: a bare mirror per project in which cars are built without a work tree
/// (`git merge-tree --write-tree` and `git commit-tree`) and from which they are pushed.
///
/// Every operation is safe to repeat: a car's merge commits take their dates from the changes'
/// queue times, so building the same car twice gives the same commit id, and a landing that
/// already happened is recognised as done.
public struct GitMirror: GitPort {
    /// Where the mirrors live: `<root>/<forge>/<project path>.git`.
    public let root: String
    let git: GitRunner
    /// Per forge name, the credential git sends over HTTP (never part of a URL).
    let authorization: [String: GitCredential]
    let logger: Logger

    public init(
        root: String, git: GitRunner = GitRunner(), authorization: [String: GitCredential] = [:], logger: Logger
    ) {
        self.root = root
        self.git = git
        self.authorization = authorization
        self.logger = logger
    }

    /// The identity of the merge commits Trainyard writes.
    static let identity = [
        "GIT_AUTHOR_NAME": "Trainyard", "GIT_AUTHOR_EMAIL": "trainyard@localhost",
        "GIT_COMMITTER_NAME": "Trainyard", "GIT_COMMITTER_EMAIL": "trainyard@localhost",
    ]

    public func targetHead(project: ProjectSettings, target: String) async throws -> SHA {
        let repo = try await mirror(project)
        let branch = try RefName.validateBranch(target)
        try await fetch(project, repo, ["+refs/heads/\(branch):refs/trainyard/targets/\(branch)"])
        return try await resolve(repo, "refs/trainyard/targets/\(branch)")
    }

    public func buildCar(project: ProjectSettings, ref: String, base: SHA, changes: [Change]) async throws -> CarBuild {
        let repo = try await mirror(project)
        let branch = try RefName.validateBranch(ref)
        if !(try await hasCommit(repo, base)) {
            let targets = try project.targets.map {
                "+refs/heads/\(try RefName.validateBranch($0)):refs/trainyard/targets/\($0)"
            }
            try await fetch(project, repo, targets)
            guard try await hasCommit(repo, base) else {
                throw GitError(command: ["fetch"], message: "the base commit \(base.short) is not on any target branch")
            }
        }
        for change in changes where !(try await hasCommit(repo, change.head)) {
            let ref = project.changeRef(change.number)
            let output = try await git.run(
                [
                    "fetch", "--quiet", "--no-tags", "--end-of-options", project.gitURL,
                    "+\(ref):refs/trainyard/changes/\(change.number)",
                ],
                in: repo, extraEnvironment: try await credentials(project))
            if !output.succeeded, !output.stderr.contains("couldn't find remote ref") {
                throw GitError(command: ["fetch"], message: Self.scrub(output.stderr))
            }
            if try await !hasCommit(repo, change.head) {
                return .unusable(
                    change: change.number, message: "its head \(change.head.short) cannot be fetched from `\(ref)`")
            }
        }
        var current = base
        for change in changes {
            let merge = try await git.run(
                ["merge-tree", "--write-tree", "--name-only", "--no-messages", current.value, change.head.value],
                in: repo)
            let lines = merge.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            switch merge.status {
            case 0:
                guard let tree = lines.first, let treeID = SHA(validating: tree) else {
                    throw GitError(command: ["merge-tree"], message: "unexpected output: \(merge.stdout.prefix(200))")
                }
                current = try await commit(
                    repo, tree: treeID, parents: [current, change.head], change: change, project)
            case 1:
                let paths = Array(lines.dropFirst().prefix { !$0.isEmpty })
                return .conflict(change: change.number, paths: Array(Set(paths)).sorted())
            default:
                throw GitError(command: ["merge-tree"], message: merge.stderr)
            }
        }
        try await push(
            project, repo,
            project.carPushOptions.flatMap { ["-o", $0] } + [
                "--force", "--end-of-options", project.gitURL,
                "\(current.value):refs/heads/\(branch)",
            ])
        return .built(current)
    }

    public func land(project: ProjectSettings, target: String, commit: SHA, expected: SHA) async throws -> Landing {
        let repo = try await mirror(project)
        let branch = try RefName.validateBranch(target)
        let remote = try await remoteHead(project, branch)
        if remote == commit { return .landed }
        guard remote == expected else {
            return .rejected("`\(branch)` is at \(remote?.short ?? "nothing"), not at \(expected.short) as expected")
        }
        let haveExpected = try await hasCommit(repo, expected)
        let haveCommit = try await hasCommit(repo, commit)
        if !haveExpected || !haveCommit {
            // Another replica built the car or moved the target: its commits are on the forge.
            try await fetch(
                project, repo,
                [
                    "+refs/heads/\(branch):refs/trainyard/targets/\(branch)",
                    "+refs/heads/trainyard/\(branch)/*:refs/trainyard/cars/\(branch)/*",
                ])
        }
        let ancestry = try await git.run(["merge-base", "--is-ancestor", expected.value, commit.value], in: repo)
        switch ancestry.status {
        case 0: break
        case 1: return .rejected("\(commit.short) is not a fast-forward of \(expected.short)")
        default: throw GitError(command: ["merge-base"], message: ancestry.stderr)
        }
        let output = try await git.run(
            ["push", "--porcelain", "--end-of-options", project.gitURL, "\(commit.value):refs/heads/\(branch)"],
            in: repo, extraEnvironment: try await credentials(project))
        if output.succeeded { return .landed }
        if output.stdout.contains("[rejected]") || output.stdout.contains("[remote rejected]") {
            return .rejected(Self.rejection(output.stdout))
        }
        throw GitError(command: ["push"], message: Self.scrub(output.stderr))
    }

    public func deleteBranch(project: ProjectSettings, branch: String) async throws {
        let repo = try await mirror(project)
        let name = try RefName.validateBranch(branch)
        let output = try await git.run(
            ["push", "--porcelain", "--end-of-options", project.gitURL, ":refs/heads/\(name)"],
            in: repo, extraEnvironment: try await credentials(project))
        if output.succeeded || output.stderr.contains("remote ref does not exist") { return }
        throw GitError(command: ["push", "--delete"], message: Self.scrub(output.stderr))
    }
}

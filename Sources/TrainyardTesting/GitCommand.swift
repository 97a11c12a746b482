import Foundation
import TrainyardSpawn

/// Runs the `git` command line tool in one directory with a clean, fixed environment.
///
/// Each run happens on a thread of its own, so waiting for git (which may itself wait for the
/// post-receive hook to call back into the fake) never blocks Swift's cooperative thread pool.
struct GitCommand: Sendable {
    /// What one run of git printed and how it ended.
    struct Output: Sendable {
        let status: Int32
        let stdout: Data
        let stderr: String

        var text: String {
            String(decoding: stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The name and address git records for commits the fake makes on its own behalf.
    static let identity = (name: "FakeGitLab", email: "fakegitlab@example.com")

    let directory: URL
    let home: URL
    let scratch: URL

    /// The environment every git run gets: no system or user configuration, no prompts, a fixed identity.
    func environment(_ extra: [String: String]) -> [String: String] {
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": home.path,
            "LC_ALL": "C",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_AUTHOR_NAME": Self.identity.name,
            "GIT_AUTHOR_EMAIL": Self.identity.email,
            "GIT_COMMITTER_NAME": Self.identity.name,
            "GIT_COMMITTER_EMAIL": Self.identity.email,
        ]
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Runs git and returns its output, throwing when it exits with a non-zero status.
    @discardableResult
    func run(_ arguments: [String], input: Data? = nil, environment extra: [String: String] = [:]) async throws
        -> Output
    {
        let output = try await attempt(arguments, input: input, environment: extra)
        guard output.status == 0 else {
            throw FakeGitLabError.git(arguments: arguments, status: output.status, stderr: output.stderr)
        }
        return output
    }

    /// Runs git and returns its output whatever its exit status.
    func attempt(_ arguments: [String], input: Data? = nil, environment extra: [String: String] = [:]) async throws
        -> Output
    {
        let environment = environment(extra)
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { [self] in
                continuation.resume(with: Result { try runBlocking(arguments, input: input, environment: environment) })
            }
            thread.start()
        }
    }

    private func runBlocking(_ arguments: [String], input: Data?, environment: [String: String]) throws -> Output {
        let fileManager = FileManager.default
        var inputPath: String?
        if let input {
            // Input comes from a file rather than a pipe so that git can never block on a full pipe.
            try fileManager.createDirectory(at: scratch, withIntermediateDirectories: true)
            let stdinURL = scratch.appendingPathComponent("stdin-\(UUID().uuidString)")
            try input.write(to: stdinURL)
            inputPath = stdinURL.path
        }
        defer { if let inputPath { try? fileManager.removeItem(atPath: inputPath) } }
        // `ChildProcess`, not Foundation's `Process`, whose `run()` can crash on Linux (see there).
        let result = try ChildProcess.run(
            "/usr/bin/env", arguments: ["git"] + arguments, environment: environment, directory: directory.path,
            input: inputPath, timeout: 600)
        return Output(
            status: result.status, stdout: result.stdout, stderr: String(decoding: result.stderr, as: UTF8.self))
    }
}

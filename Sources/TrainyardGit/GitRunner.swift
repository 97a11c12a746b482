import Foundation

/// Runs the `git` command line with a clean, predictable environment.
///
/// Arguments are passed to the process directly (no shell), so nothing in them is interpreted;
/// callers still validate every name that came from outside (see ``RefName``), because git
/// itself would read a name starting with `-` as an option.
public struct GitRunner: Sendable {
    /// The `git` executable.
    public var executable: String
    /// Extra environment, e.g. an `http.extraHeader` carrying credentials through
    /// `GIT_CONFIG_COUNT`, so that no secret appears in a URL or the process arguments.
    public var environment: [String: String]
    /// How long one git command may run before it is killed.
    public var timeout: TimeInterval

    public init(executable: String? = nil, environment: [String: String] = [:], timeout: TimeInterval = 300) {
        self.executable = executable ?? GitRunner.find()
        self.environment = environment
        self.timeout = timeout
    }

    /// What a git command did.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var succeeded: Bool { status == 0 }
    }

    /// Runs git with `arguments` in `directory`; `extraEnvironment` adds to the runner's own.
    public func run(
        _ arguments: [String], in directory: String? = nil, extraEnvironment: [String: String] = [:]
    ) async throws -> Output {
        var env: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_ASKPASS": "/bin/true",
            "LC_ALL": "C",
        ]
        env.merge(environment) { _, new in new }
        env.merge(extraEnvironment) { _, new in new }
        let childEnvironment = env
        let executable = self.executable
        let timeout = self.timeout
        return try await withCheckedThrowingContinuation { continuation in
            // A git command blocks its thread until it ends, so it runs off the caller's.
            DispatchQueue.global().async {
                do {
                    let result = try ChildProcess.run(
                        executable, arguments: arguments, environment: childEnvironment, directory: directory,
                        timeout: timeout)
                    continuation.resume(
                        returning: Output(
                            status: result.status, stdout: String(decoding: result.stdout, as: UTF8.self),
                            stderr: String(decoding: result.stderr, as: UTF8.self)))
                } catch {
                    continuation.resume(
                        throwing: GitError(command: arguments, message: "could not start git: \(error)"))
                }
            }
        }
    }

    /// The first `git` on `PATH`, else `/usr/bin/git`.
    static func find() -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/git") {
            return "\(folder)/git"
        }
        return "/usr/bin/git"
    }

    /// Runs git and throws ``GitError`` unless it exits 0; returns standard output.
    @discardableResult
    public func check(_ arguments: [String], in directory: String? = nil, extraEnvironment: [String: String] = [:])
        async throws -> String
    {
        let output = try await run(arguments, in: directory, extraEnvironment: extraEnvironment)
        guard output.succeeded else {
            throw GitError(command: arguments, message: output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return output.stdout
    }
}

/// A git command that failed. The message is git's own standard error.
public struct GitError: Error, CustomStringConvertible, Sendable {
    public var command: [String]
    public var message: String
    public var description: String { "git \(command.first ?? "") failed: \(message)" }
}

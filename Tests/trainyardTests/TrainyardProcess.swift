import Foundation
import TrainyardGit

#if canImport(Glibc)
    import Glibc
#endif

/// The real `trainyard` binary running as a child process, to be killed and started again.
final class TrainyardProcess: Sendable {
    let pidFile: String
    let exited: Task<Int32, Never>

    /// The binary `swift build` made beside these tests.
    static var binary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/trainyard").path
    }

    private init(pidFile: String, exited: Task<Int32, Never>) {
        self.pidFile = pidFile
        self.exited = exited
    }

    /// Starts `trainyard serve -c config`, its output appended to `log`. A shell writes its pid
    /// first and then becomes the server (`exec`), so the pid is the server's.
    static func start(config: String, log: String, environment: [String: String] = [:]) -> TrainyardProcess {
        let pidFile = config + ".pid"
        try? FileManager.default.removeItem(atPath: pidFile)
        let script = "echo $$ > '\(pidFile)'; exec '\(binary)' serve -c '\(config)' --log-level warning >>'\(log)' 2>&1"
        let env = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let exited = Task.detached {
            await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
                DispatchQueue.global().async {
                    let result = try? ChildProcess.run(
                        "/bin/sh", arguments: ["-c", script], environment: env, timeout: 3600)
                    continuation.resume(returning: result?.status ?? -1)
                }
            }
        }
        return TrainyardProcess(pidFile: pidFile, exited: exited)
    }

    var pid: pid_t? {
        (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap {
            pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Sends SIGTERM and waits up to `limit` for the process to end; then SIGKILL. Returns whether
    /// it ended by itself.
    func terminate(within limit: Duration) async -> Bool {
        for _ in 0..<500 where pid == nil { try? await Task.sleep(for: .milliseconds(10)) }
        guard let pid else { return false }
        kill(pid, SIGTERM)
        // Polled, not raced in a task group: a group waits for all its children, and awaiting
        // the process's end cannot be cancelled, so a process that ignored SIGTERM would hang it.
        let ended = Locked(false)
        Task.detached { [exited] in
            _ = await exited.value
            ended.set(true)
        }
        let deadline = ContinuousClock.now.advanced(by: limit)
        while !ended.value, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        let endedInTime = ended.value
        if !endedInTime {
            kill(pid, SIGKILL)
            _ = await exited.value
        }
        return endedInTime
    }

    /// Sends `signal` once the pid is known, and waits for the process to end.
    @discardableResult
    func stop(_ signal: Int32) async -> Int32 {
        for _ in 0..<500 where pid == nil { try? await Task.sleep(for: .milliseconds(10)) }
        if let pid { kill(pid, signal) }
        return await exited.value
    }
}

/// A value shared between tasks.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func set(_ value: Value) { lock.withLock { stored = value } }
}

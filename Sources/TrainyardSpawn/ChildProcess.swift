import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program to completion with `posix_spawn`, collecting its output.
///
/// Not Foundation's `Process`: on Linux its `run()` scans `/proc/self/fd` with a 256-byte copy of
/// each short directory entry and, now and then, reads past a mapped page and crashes the whole
/// process (swift-corelibs-foundation #5472, fixed after the Swift 6.3 toolchain). Our test runs
/// start thousands of `git` commands; one clean-clone run in four crashed so (2026-11-30).
///
/// The child gets exactly the given environment, standard input from a file (or `/dev/null`),
/// and no other descriptor of ours: our pipes are close-on-exec and every descriptor from 3 up is
/// closed in the child, so a concurrent reader never waits on a pipe end a child inherited.
public enum ChildProcess {
    /// What the program did.
    public struct Result: Sendable {
        /// The exit status, or 128 plus the signal that ended it.
        public var status: Int32
        public var stdout: Data
        public var stderr: Data
        /// Whether it was killed for running past the timeout.
        public var timedOut: Bool
    }

    /// A program that could not be started.
    public struct SpawnError: Error, CustomStringConvertible, Sendable {
        public var executable: String
        public var code: Int32
        public var description: String { "could not start \(executable): \(String(cString: strerror(code)))" }
    }

    /// Runs `executable` with `arguments` and exactly `environment`, in `directory` (the current
    /// one when `nil`), reading standard input from `input` (`/dev/null` when `nil`). Blocks until
    /// the program ends; one still running after `timeout` seconds is sent SIGTERM, then SIGKILL,
    /// with every process it started. `started` gets the program's process id (which is also its
    /// process group's) as soon as it runs, for a caller that may have to end it early.
    public static func run(
        _ executable: String, arguments: [String], environment: [String: String], directory: String? = nil,
        input: String? = nil, timeout: TimeInterval, started: (@Sendable (pid_t) -> Void)? = nil
    ) throws -> Result {
        var out: [Int32] = [-1, -1]
        var err: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { throw SpawnError(executable: executable, code: errno) }
        guard pipe(&err) == 0 else {
            let code = errno
            close(out[0])
            close(out[1])
            throw SpawnError(executable: executable, code: code)
        }
        // Close-on-exec, so that no other child keeps a pipe end open (ours close every
        // descriptor from 3 up in any case).
        for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let pid: pid_t
        do {
            pid = try spawn(
                executable, arguments: arguments, environment: environment, directory: directory,
                input: input ?? "/dev/null", stdout: out[1], stderr: err[1])
        } catch {
            for fd in out + err { close(fd) }
            throw error
        }
        close(out[1])
        close(err[1])
        started?(pid)
        let killed = OnceFlag()
        let reaped = OnceFlag()
        // The child leads its own process group, so what it started goes with it (a shell's
        // `sleep`, git's remote helper) and no grandchild keeps our pipes open.
        let killer = DispatchWorkItem {
            killed.set()
            kill(-pid, SIGTERM)
            // Not once the child was reaped: its number could name another process by then.
            DispatchQueue.global().asyncAfter(deadline: .now() + 5) { if !reaped.isSet { kill(-pid, SIGKILL) } }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        let errRead = err[0]
        group.enter()
        DispatchQueue.global().async {
            errData = readToEnd(errRead)
            group.leave()
        }
        let outData = readToEnd(out[0])
        group.wait()
        close(out[0])
        close(err[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        reaped.set()
        killer.cancel()
        // A normal exit keeps its code in bits 8–15; a signal leaves its number in bits 0–6.
        let signal = status & 0x7f
        let code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        return Result(status: code, stdout: outData, stderr: errData, timedOut: killed.isSet)
    }

    private static func spawn(
        _ executable: String, arguments: [String], environment: [String: String], directory: String?,
        input: String, stdout: Int32, stderr: Int32
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        func check(_ code: Int32) throws {
            if code != 0 { throw SpawnError(executable: executable, code: code) }
        }
        try check(posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0))
        try check(posix_spawn_file_actions_adddup2(&actions, stdout, 1))
        try check(posix_spawn_file_actions_adddup2(&actions, stderr, 2))
        if let closeFrom = GNUSpawn.addCloseFrom { try check(closeFrom(&actions, 3)) }
        if let directory {
            guard let addChdir = GNUSpawn.addChdir else { throw SpawnError(executable: executable, code: ENOSYS) }
            try check(addChdir(&actions, directory))
        }
        // The child starts with no blocked signals and SIGPIPE at its default, whatever the
        // server set for itself.
        var none = sigset_t()
        sigemptyset(&none)
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        try check(posix_spawnattr_setsigmask(&attributes, &none))
        try check(posix_spawnattr_setsigdefault(&attributes, &pipeSignal))
        try check(posix_spawnattr_setpgroup(&attributes, 0))
        try check(
            posix_spawnattr_setflags(
                &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP)))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        try check(posix_spawn(&pid, executable, &actions, &attributes, argv, envp))
        return pid
    }

    /// Reads a descriptor until end of file.
    private static func readToEnd(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                return data
            }
        }
    }
}

/// A flag set once from one thread and read from another (the timeout fired; the child was reaped).
private final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` and `…_addchdir_np`, which the Swift
/// Glibc module does not import (they need `_GNU_SOURCE`); looked up once by name.
private enum GNUSpawn {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let pointer = dlsym(handle, name) else { return nil }
        return unsafeBitCast(pointer, to: T.self)
    }
}

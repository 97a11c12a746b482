import Foundation
import Testing
import TrainyardGit

/// `ChildProcess` starts real programs (`/bin/sh`) with `posix_spawn`.
struct ChildProcessTests {
    @Test func outputErrorAndExitStatusComeBack() throws {
        let result = try ChildProcess.run(
            "/bin/sh", arguments: ["-c", "echo out; echo err >&2; exit 3"], environment: [:], timeout: 30)
        #expect(result.status == 3)
        #expect(String(decoding: result.stdout, as: UTF8.self) == "out\n")
        #expect(String(decoding: result.stderr, as: UTF8.self) == "err\n")
        #expect(!result.timedOut)
    }

    @Test func theEnvironmentAndDirectoryAreExactlyTheOnesGiven() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try ChildProcess.run(
            "/bin/sh", arguments: ["-c", "pwd; env | sort"], environment: ["ONLY": "this"], directory: directory.path,
            timeout: 30)
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(
            lines.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
                == directory.resolvingSymlinksInPath().path)
        #expect(lines.contains("ONLY=this"))
        #expect(!lines.contains { $0.hasPrefix("HOME=") }, "nothing of the parent's environment leaks in")
    }

    /// Standard input is `/dev/null` unless a file is given; no descriptor of the parent but the
    /// three standard ones is open in the child.
    @Test func inputAndDescriptors() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
        try Data("from a file\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let piped = try ChildProcess.run(
            "/bin/sh", arguments: ["-c", "cat"], environment: [:], input: file.path, timeout: 30)
        #expect(String(decoding: piped.stdout, as: UTF8.self) == "from a file\n")
        let empty = try ChildProcess.run("/bin/sh", arguments: ["-c", "cat"], environment: [:], timeout: 30)
        #expect(empty.stdout.isEmpty)
        let open = Pipe()
        defer { try? open.fileHandleForWriting.close() }
        let descriptors = try ChildProcess.run(
            "/bin/sh", arguments: ["-c", "ls /proc/self/fd"], environment: ["PATH": "/usr/bin:/bin"], timeout: 30)
        let listed = String(decoding: descriptors.stdout, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
        // 0, 1, 2, and the one `ls` opened to read the directory.
        #expect(listed.filter { $0 > 3 }.isEmpty, "descriptors open in the child: \(listed)")
    }

    /// The program and what it started (here the shell's `sleep`, which holds the output pipe)
    /// are killed: the call returns long before the minute the sleep would take.
    @Test func aProgramPastItsTimeoutIsKilledWithWhatItStarted() throws {
        let started = Date()
        let result = try ChildProcess.run(
            "/bin/sh", arguments: ["-c", "sleep 60; echo done"], environment: [:], timeout: 0.5)
        #expect(result.timedOut)
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(Date().timeIntervalSince(started) < 45)
    }

    @Test func aMissingProgramOrDirectoryIsAClearError() {
        #expect(throws: ChildProcess.SpawnError.self) {
            try ChildProcess.run("/nonexistent/program", arguments: [], environment: [:], timeout: 5)
        }
        #expect(throws: ChildProcess.SpawnError.self) {
            try ChildProcess.run("/bin/sh", arguments: [], environment: [:], directory: "/nonexistent/dir", timeout: 5)
        }
    }
}

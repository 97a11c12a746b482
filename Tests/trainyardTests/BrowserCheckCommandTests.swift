import Foundation
import Testing
import TrainyardBrowser
import TrainyardGit
import TrainyardTesting

@testable import trainyard

/// `trainyard browser-check` as a user runs it: the real binary, real Chromium, a local app. The
/// JSON carries every figure under its name, a failing page makes the exit status 1, and a run's
/// `--out` is the next run's `--baseline-dir`.
@Suite(.serialized)
struct BrowserCheckCommandTests {
    /// Runs the binary; its exit status and what it printed on standard output and error. The
    /// wait is on a Dispatch thread, so that the test process's own servers (the local app) keep
    /// answering while the binary runs.
    static func run(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        let result = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        try ChildProcess.run(
                            TrainyardProcess.binary, arguments: ["browser-check"] + arguments,
                            environment: ProcessInfo.processInfo.environment, timeout: 300)
                    })
            }
        }
        return (
            result.status, String(decoding: result.stdout, as: UTF8.self),
            String(decoding: result.stderr, as: UTF8.self)
        )
    }

    static func entries(_ json: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
    }

    @Test func jsonGivesEveryFigureAndAFailureExitsNonZero() async throws {
        _ = try #require(Chromium.find(), Comment(rawValue: Chromium.missing(nil)))
        let app = FakeReviewApp()
        try await app.start()
        defer { Task { await app.stop() } }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("browser-check-\(UUID())").path
        let fine = await app.url("/")
        let broken = await app.url("/console-error")
        let passing = try await Self.run([fine, "--out", out, "--format", "json"])
        #expect(passing.status == 0, "\(passing.err)")
        let entry = try #require(try Self.entries(passing.out).first)
        for key in [
            "status", "console_errors", "failed_requests", "load_ms", "fcp_ms", "bytes", "screenshot", "diff_ratio",
        ] {
            #expect(entry.keys.contains(key), "\(key) in \(entry.keys.sorted())")
        }
        #expect(entry["status"] as? Int == 200 && entry["diff_ratio"] is NSNull)
        let screenshot = try #require(entry["screenshot"] as? String)
        #expect(screenshot.hasPrefix(out) && FileManager.default.fileExists(atPath: screenshot))

        let failing = try await Self.run([fine, broken, "--out", out, "--format", "json"])
        #expect(failing.status == 1)
        let second = try #require(try Self.entries(failing.out).last)
        #expect((second["console_errors"] as? [String])?.first == "boom from the console 42")
        #expect(second["passed"] as? Bool == false)
    }

    @Test func aRunsOutputIsTheNextRunsBaseline() async throws {
        _ = try #require(Chromium.find(), Comment(rawValue: Chromium.missing(nil)))
        let app = FakeReviewApp()
        try await app.start()
        defer { Task { await app.stop() } }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("browser-check-\(UUID())").path
        let url = await app.url("/")
        #expect(try await Self.run([url, "--out", "\(root)/first"]).status == 0)
        let same = try await Self.run([url, "--out", "\(root)/second", "--baseline-dir", "\(root)/first"])
        #expect(same.status == 0, "\(same.out)")
        #expect(same.out.contains("\t0.00%\t"), "\(same.out)")
        await app.setColour("#d62d20")
        let changed = try await Self.run([url, "--out", "\(root)/third", "--baseline-dir", "\(root)/second"])
        #expect(changed.status == 1)
        #expect(changed.out.contains("fails: the look changed: "), "\(changed.out)")
        #expect(changed.out.contains("difference: \(root)/third/"), "\(changed.out)")
    }

    @Test(arguments: [
        ([], "Missing expected argument '<urls> ...'"),
        (["ftp://example.com/"], "'ftp://example.com/' is not an http or https URL"),
        (["http://127.0.0.1/", "--format", "xml"], "--format must be table or json, not 'xml'"),
        (["http://127.0.0.1/", "--max-diff-ratio", "2"], "--max-diff-ratio must be from 0 to 1"),
        (
            ["http://127.0.0.1/", "--chromium", "/nonexistent/chromium"],
            "Chromium was not found at `/nonexistent/chromium`"
        ),
    ])
    func badArgumentsAreRefusedWithTheReason(arguments: [String], message: String) async throws {
        let result = try await Self.run(arguments)
        #expect(result.status != 0 && result.status != 1, "a usage error is not a failed check")
        #expect(result.err.contains(message), "\(result.err)")
    }

    @Test func fileNamesAreStableAndReadable() {
        #expect(BrowserCheckReport.fileName(for: "http://127.0.0.1:8080/") == "127.0.0.1-8080-root")
        #expect(
            BrowserCheckReport.fileName(for: "https://mr-12.review.example.com/docs/Intro?x=1")
                == "mr-12.review.example.com-docs-intro-x-1")
    }
}

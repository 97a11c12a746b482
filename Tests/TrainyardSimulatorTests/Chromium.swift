import Foundation
import TrainyardGit

/// Headless Chromium, to check that a generated page loads cleanly in a real browser.
///
/// With `--enable-logging=stderr` Chromium writes every console message of the page to standard
/// error, as `[pid:tid:date:INFO:CONSOLE:12] "message", source: file:///… (12)` (older versions:
/// `INFO:CONSOLE(12)`). Recent versions log every console level as INFO, so `console.error` cannot be
/// told from `console.log` there; the pages checked with this have no scripts at all, so every
/// console message counts as an error. Uncaught exceptions arrive as `"Uncaught ReferenceError: …"`
/// and invalid SVG attributes (a NaN coordinate) as `"Error: <circle> attribute cx: Expected length,
/// "NaN"."`. Standard error also carries unrelated `ERROR:` lines (D-Bus, GPU) on a bare machine, so
/// only console lines are looked at.
struct Chromium {
    var executable: String

    /// What to tell someone whose machine has no Chromium.
    static let missing = """
        Chromium was not found (looked for chromium, chromium-browser, google-chrome and \
        google-chrome-stable on PATH, and /usr/bin/chromium). The HTML report is checked in a real \
        browser: run ./scripts/test, which installs it, or `apt-get install chromium`.
        """

    /// The first Chromium or Chrome on `PATH`, else `/usr/bin/chromium` if it exists.
    static func find() -> Chromium? {
        let names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        for name in names {
            for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return Chromium(executable: "\(folder)/\(name)")
            }
        }
        return FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
            ? Chromium(executable: "/usr/bin/chromium") : nil
    }

    /// What the browser made of a page.
    struct Page: Sendable {
        var status: Int32
        /// Whether the browser had to be killed because it ran past the timeout.
        var timedOut: Bool
        /// The document after loading, serialised (`--dump-dom`).
        var dom: String
        var stderr: String

        /// Standard-error lines reporting a console message or an uncaught exception of the page.
        var consoleMessages: [String] {
            stderr.split(whereSeparator: \.isNewline).map(String.init).filter {
                $0.contains(":CONSOLE:") || $0.contains(":CONSOLE(") || $0.contains("Uncaught")
            }
        }
    }

    /// Loads `file` headless and returns its DOM and the browser's log. The browser gets a fresh
    /// home folder (for its profile) and is terminated, then killed with every process it
    /// started, if it runs past `timeout`. It is started with ``ChildProcess`` (not Foundation's
    /// `Process`, whose `run()` can crash the test process on Linux), on a Dispatch worker thread
    /// so that the wait does not hold one of the test runner's threads. A cancelled test still
    /// waits for the browser (at most `timeout`, then 5 s more before it is killed).
    func load(_ file: URL, timeout: TimeInterval = 60) async throws -> Page {
        let fileManager = FileManager.default
        let home = fileManager.temporaryDirectory.appendingPathComponent("trainyard-chromium-\(UUID().uuidString)")
        try fileManager.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: home) }
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment["XDG_CONFIG_HOME"] = home.appendingPathComponent(".config").path
        environment["XDG_CACHE_HOME"] = home.appendingPathComponent(".cache").path
        let arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
            "--virtual-time-budget=2000", "--dump-dom", file.absoluteString,
        ]
        let executable = self.executable
        let settings = environment
        let result = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        try ChildProcess.run(
                            executable, arguments: arguments, environment: settings, timeout: timeout)
                    })
            }
        }
        return Page(
            status: result.status, timedOut: result.timedOut, dom: String(decoding: result.stdout, as: UTF8.self),
            stderr: String(decoding: result.stderr, as: UTF8.self))
    }
}

import Foundation
import Logging
import TrainyardSpawn

#if canImport(Glibc)
    import Glibc
#endif

/// A headless Chromium started for browser checks: a fresh profile folder, the DevTools endpoint
/// on a loopback port the browser picks itself (read back from its `DevToolsActivePort` file),
/// and a WebSocket to it. ``close()`` ends the browser and every process it started, and removes
/// the profile.
public final class Chromium: Sendable {
    /// The names looked for on `PATH`, in order.
    public static let names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    /// The first Chromium found: `configured` (a path or a name on `PATH`), else one of ``names``
    /// on `PATH`, else `/usr/bin/chromium`. Nil when there is none.
    public static func find(
        _ configured: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> String?
    {
        let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        func resolve(_ name: String) -> String? {
            if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
            return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        if let configured { return resolve(configured) }
        return names.lazy.compactMap(resolve).first ?? resolve("/usr/bin/chromium")
    }

    /// The error when no browser is found, saying what to do.
    public static func missing(_ configured: String?) -> String {
        if let configured {
            return "Chromium was not found at `\(configured)`: install Debian's `chromium` package "
                + "(`apt-get install chromium`) or give the path of a Chromium or Chrome binary."
        }
        return "Chromium was not found (looked for \(names.joined(separator: ", ")) on PATH and /usr/bin/chromium): "
            + "install Debian's `chromium` package (`apt-get install chromium`) or give its path with `--chromium`."
    }

    let connection: DevToolsConnection
    let profile: URL
    let processGroup: pid_t
    /// Whether the browser has ended, set by the thread that waits for it.
    private let process: PIDBox

    private init(connection: DevToolsConnection, profile: URL, processGroup: pid_t, process: PIDBox) {
        self.connection = connection
        self.profile = profile
        self.processGroup = processGroup
        self.process = process
    }

    /// Starts `executable` headless and connects to it. Throws ``DevToolsError`` with the browser's
    /// own last words when it does not come up within `timeout`.
    public static func launch(_ executable: String, logger: Logger, timeout: Duration = .seconds(30)) async throws
        -> Chromium
    {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-chromium-\(UUID())")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        var arguments = [
            "--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-background-networking", "--disable-sync",
            "--disable-component-update", "--hide-scrollbars", "--mute-audio", "--remote-debugging-port=0",
            // The WebSocket client sends this Origin; no web page can have it.
            "--remote-allow-origins=ws://127.0.0.1", "--user-data-dir=\(profile.path)", "about:blank",
        ]
        // Chromium refuses to run as root with its sandbox.
        if getuid() == 0 { arguments.insert("--no-sandbox", at: 0) }
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = profile.path
        environment["XDG_CONFIG_HOME"] = profile.appendingPathComponent(".config").path
        environment["XDG_CACHE_HOME"] = profile.appendingPathComponent(".cache").path
        let started = PIDBox()
        let settings = environment
        let arguments_ = arguments
        let exited = Task.detached { () -> ChildProcess.Result? in
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    let result = try? ChildProcess.run(
                        executable, arguments: arguments_, environment: settings, timeout: 6 * 3600,
                        started: { started.set($0) })
                    started.markExited()
                    continuation.resume(returning: result)
                }
            }
        }
        let portFile = profile.appendingPathComponent("DevToolsActivePort")
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8) {
                let lines = text.split(whereSeparator: \.isNewline)
                if lines.count >= 2, let port = Int(lines[0]) {
                    let url = "ws://127.0.0.1:\(port)\(lines[1])"
                    do {
                        let connection = try await DevToolsConnection.connect(to: url, logger: logger)
                        return Chromium(
                            connection: connection, profile: profile, processGroup: started.value, process: started)
                    } catch {
                        Self.end(started.value, profile: profile)
                        throw error
                    }
                }
            }
            if started.hasExited { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        Self.end(started.value, profile: profile)
        // The browser's last words, if it ended by now (a browser that never ran has none).
        _ = await started.waitForExit(within: .seconds(5))
        let words =
            started.hasExited
            ? (await exited.value).map { String(decoding: $0.stderr.suffix(600), as: UTF8.self) } ?? "" : ""
        throw DevToolsError(
            "Chromium (\(executable)) did not open its DevTools port within \(timeout)"
                + (words.isEmpty ? "." : ": \(words.trimmingCharacters(in: .whitespacesAndNewlines))"))
    }

    /// Whether the browser is still connected.
    public var isAlive: Bool {
        get async { await connection.closed == nil }
    }

    /// Ends the browser: `Browser.close`, then SIGKILL to its process group if it has not ended
    /// within 3 seconds; the profile folder is removed. Never waits longer than that: a browser
    /// that hangs is killed, not waited for.
    public func close() async {
        _ = try? await connection.send("Browser.close", timeout: .seconds(2))
        await connection.close()
        if !(await process.waitForExit(within: .seconds(3))) {
            Self.end(processGroup, profile: nil)
            _ = await process.waitForExit(within: .seconds(5))
        }
        try? FileManager.default.removeItem(at: profile)
    }

    private static func end(_ group: pid_t, profile: URL?) {
        if group > 0 { kill(-group, SIGKILL) }
        if let profile { try? FileManager.default.removeItem(at: profile) }
    }
}

/// The browser's process id, set from the thread that started it, and whether it has ended.
private final class PIDBox: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: pid_t = 0
    private var ended = false

    func set(_ value: pid_t) { lock.withLock { pid = value } }
    func markExited() { lock.withLock { ended = true } }
    var value: pid_t { lock.withLock { pid } }
    var hasExited: Bool { lock.withLock { ended } }

    /// Waits until the process ended or `limit` passed; whether it ended.
    func waitForExit(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while !hasExited, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return hasExited
    }
}

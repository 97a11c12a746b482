import ArgumentParser
import Foundation
import Logging
import TrainyardBrowser
import TrainyardCore

/// `trainyard browser-check URL...`: the review apps' browser check on its own, so that a team
/// can try it on any page before it turns review apps on.
struct BrowserCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "browser-check", abstract: "Check pages in headless Chromium as a person would look at them.",
        discussion: """
            Per URL: the main document's status, console errors, failed requests, time to the load
            event and to first contentful paint, bytes received, and a full-page screenshot under
            --out. With --baseline-dir (a folder an earlier run wrote to --out), the share of pixels
            that changed, and a difference image. Exits 1 when a check fails: a status of 400 or
            more, a console error, an uncaught exception, a page that could not be loaded, or a
            change above --max-diff-ratio; 2 when no browser could be started; 64 for bad arguments.
            """)

    @Argument(help: "The pages to check (http or https).")
    var urls: [String]

    @Option(help: "A folder of earlier screenshots (an earlier --out) to compare with.")
    var baselineDir: String?

    @Option(help: "Where screenshots and difference images are written.")
    var out = "browser-check"

    @Option(help: "How to print the results: table or json.")
    var format = "table"

    @Option(help: "The largest share of changed pixels that still passes (0–1).")
    var maxDiffRatio = 0.01

    @Option(help: "Seconds a page may take to reach its load event.")
    var timeout = 30

    @Option(help: "The viewport's width in CSS pixels.")
    var width = 1280

    @Option(help: "The viewport's height in CSS pixels (screenshots cover the whole page).")
    var height = 800

    @Option(help: "The Chromium or Chrome binary (default: chromium on PATH).")
    var chromium: String?

    func validate() throws {
        guard !urls.isEmpty else { throw ValidationError("give at least one URL to check") }
        for url in urls {
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
                scheme == "http" || scheme == "https", parsed.host != nil
            else { throw ValidationError("'\(url)' is not an http or https URL") }
        }
        guard format == "table" || format == "json" else {
            throw ValidationError("--format must be table or json, not '\(format)'")
        }
        guard (0...1).contains(maxDiffRatio) else { throw ValidationError("--max-diff-ratio must be from 0 to 1") }
        guard (1...600).contains(timeout) else { throw ValidationError("--timeout must be 1–600 seconds") }
        guard (100...4000).contains(width), (100...4000).contains(height) else {
            throw ValidationError("--width and --height must be 100–4000 pixels")
        }
    }

    func run() async throws {
        guard let executable = Chromium.find(chromium) else {
            FileHandle.standardError.write(Data("Error: \(Chromium.missing(chromium))\n".utf8))
            throw ExitCode(2)
        }
        let results = try await check(executable: executable)
        let report = BrowserCheckReport(results: results, maxDiffRatio: maxDiffRatio)
        print(format == "json" ? try report.json() : report.table())
        if !report.passed { throw ExitCode(1) }
    }

    /// Checks every URL in one browser, writing screenshots and difference images under `out`.
    func check(executable: String) async throws -> [BrowserCheckResult] {
        let folder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "trainyard.browser-check")
        logger.logLevel = .error
        var settings = BrowserCheck.Settings(executable: executable)
        settings.width = width
        settings.height = height
        settings.timeout = .seconds(timeout)
        let checker = BrowserCheck(settings: settings, logger: logger)
        var results: [BrowserCheckResult] = []
        for url in urls {
            let outcome = await checker.check(BrowserCheck.Page(url: url))
            var result = outcome.result
            let name = BrowserCheckReport.fileName(for: url)
            if let png = outcome.screenshot {
                let file = folder.appendingPathComponent("\(name).png")
                try png.write(to: file)
                result.screenshot = file.path
                if let baselineDir {
                    let baseline = URL(fileURLWithPath: baselineDir).appendingPathComponent("\(name).png")
                    if let old = try? Data(contentsOf: baseline) {
                        do {
                            let comparison = try await checker.comparison(old, png)
                            let diff = folder.appendingPathComponent("\(name).diff.png")
                            try comparison.difference.write(to: diff)
                            result.diffRatio = comparison.ratio
                            result.diffImage = diff.path
                        } catch {
                            result.notes.append("not compared with \(baseline.path): \(error)")
                        }
                    } else {
                        result.notes.append("no baseline at \(baseline.path)")
                    }
                }
            }
            results.append(result)
        }
        await checker.close()
        return results
    }
}

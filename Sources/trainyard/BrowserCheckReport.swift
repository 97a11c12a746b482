import Foundation
import TrainyardCore

/// What `trainyard browser-check` prints: a table for people, or JSON for scripts, one entry per
/// URL with the figures under the names (`status`, `console_errors`, `failed_requests`,
/// `load_ms`, `fcp_ms`, `bytes`, `screenshot`, `diff_ratio`).
struct BrowserCheckReport {
    let results: [BrowserCheckResult]
    let maxDiffRatio: Double

    var passed: Bool { results.allSatisfy { $0.problems(maxDiffRatio: maxDiffRatio).isEmpty } }

    /// The screenshot's file name for `url`: its host, port and path as lowercase words joined by
    /// `-` (`127.0.0.1-8080-docs-intro`), the same on every run so that a run's output can be the
    /// next run's baseline.
    static func fileName(for url: String) -> String {
        guard let parsed = URL(string: url), let host = parsed.host else { return "page" }
        var parts = [host]
        if let port = parsed.port { parts.append(String(port)) }
        parts.append(parsed.path.isEmpty || parsed.path == "/" ? "root" : parsed.path)
        if let query = parsed.query { parts.append(query) }
        let words = parts.joined(separator: "-").lowercased().map {
            $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".") ? $0 : "-"
        }
        let name = String(words).split(separator: "-").joined(separator: "-")
        return String(name.prefix(120))
    }

    func table() -> String {
        var lines = [
            ["result", "status", "load_ms", "fcp_ms", "bytes", "console", "failed", "diff", "url"].joined(
                separator: "\t")
        ]
        for result in results {
            let problems = result.problems(maxDiffRatio: maxDiffRatio)
            var row: [String] = [problems.isEmpty ? "ok" : "FAIL"]
            row.append(result.status.map(String.init) ?? "-")
            row.append(result.loadMilliseconds.map(String.init) ?? "-")
            row.append(result.fcpMilliseconds.map(String.init) ?? "-")
            row.append(String(result.bytes))
            row.append(String(result.consoleErrors.count + result.exceptions.count))
            row.append(String(result.failedRequests.count))
            row.append(result.diffRatio.map(BrowserCheckResult.percent) ?? "-")
            row.append(result.url)
            lines.append(row.joined(separator: "\t"))
            for problem in problems { lines.append("  fails: \(problem)") }
            for message in result.exceptions { lines.append("  uncaught: \(message)") }
            for message in result.consoleErrors { lines.append("  console: \(message)") }
            for request in result.failedRequests { lines.append("  failed request: \(request)") }
            for note in result.notes { lines.append("  note: \(note)") }
            if let screenshot = result.screenshot { lines.append("  screenshot: \(screenshot)") }
            if let diff = result.diffImage { lines.append("  difference: \(diff)") }
        }
        return lines.joined(separator: "\n")
    }

    func json() throws -> String {
        let entries = results.map { result in
            Entry(
                url: result.url, passed: result.problems(maxDiffRatio: maxDiffRatio).isEmpty,
                problems: result.problems(maxDiffRatio: maxDiffRatio), status: result.status,
                console_errors: result.consoleErrors, uncaught_exceptions: result.exceptions,
                failed_requests: result.failedRequests, load_ms: result.loadMilliseconds,
                fcp_ms: result.fcpMilliseconds, bytes: result.bytes, screenshot: result.screenshot,
                diff_ratio: result.diffRatio, diff_image: result.diffImage, error: result.error, notes: result.notes)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(entries), as: UTF8.self)
    }

    /// One URL in the JSON output. Absent figures are `null`, so every key is always there.
    struct Entry: Encodable {
        let url: String
        let passed: Bool
        let problems: [String]
        let status: Int?
        let console_errors: [String]
        let uncaught_exceptions: [String]
        let failed_requests: [String]
        let load_ms: Int?
        let fcp_ms: Int?
        let bytes: Int
        let screenshot: String?
        let diff_ratio: Double?
        let diff_image: String?
        let error: String?
        let notes: [String]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(url, forKey: .url)
            try container.encode(passed, forKey: .passed)
            try container.encode(problems, forKey: .problems)
            try container.encode(status, forKey: .status)
            try container.encode(console_errors, forKey: .console_errors)
            try container.encode(uncaught_exceptions, forKey: .uncaught_exceptions)
            try container.encode(failed_requests, forKey: .failed_requests)
            try container.encode(load_ms, forKey: .load_ms)
            try container.encode(fcp_ms, forKey: .fcp_ms)
            try container.encode(bytes, forKey: .bytes)
            try container.encode(screenshot, forKey: .screenshot)
            try container.encode(diff_ratio, forKey: .diff_ratio)
            try container.encode(diff_image, forKey: .diff_image)
            try container.encode(error, forKey: .error)
            try container.encode(notes, forKey: .notes)
        }

        enum Key: String, CodingKey {
            case url, passed, problems, status, console_errors, uncaught_exceptions, failed_requests, load_ms, fcp_ms
            case bytes, screenshot, diff_ratio, diff_image, error, notes
        }
    }
}

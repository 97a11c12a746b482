/// The one note about a merge request's review app, edited on every change rather than posted
/// anew: its state and address, and a table of the browser check's figures per page with links
/// to the screenshots and difference images (which the caller signs).
public enum ReviewAppNote {
    /// The note's text. `link` turns a stored screenshot path into an address people can open.
    public static func body(
        _ app: ReviewApp, settings: ReviewAppSettings, link: (String) -> String?
    ) -> String {
        var lines = ["### Review app"]
        let place = app.url.map { " at \($0)" } ?? ""
        switch app.state {
        case .live, .checking: lines.append("**\(app.state == .live ? "Up" : "Checking")**\(place). \(app.summary)")
        case .stopped: lines.append("**Stopped.** \(app.summary)")
        default: lines.append("**\(app.state.rawValue.capitalized).** \(app.summary)")
        }
        if app.pinned {
            lines.append("Pinned: kept until unpinned or the merge request closes.")
        } else if let expires = app.expiresAt(settings) {
            lines.append(
                "Stopped after \(settings.ttlHours) h without an update (at \(ZoneRules.utc.civil(at: expires))Z).")
        }
        if !app.checks.isEmpty {
            lines.append("")
            lines.append(
                "| page | result | status | load | first paint | bytes | console | failed requests | change | screenshot |"
            )
            lines.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
            for (check, result) in zip(settings.checks, app.checks) {
                let problems = result.problems(maxDiffRatio: settings.maxDiffRatio, expectStatus: check.expectStatus)
                let shot = result.screenshot.flatMap(link).map { "[png](\($0))" } ?? "–"
                let diff = result.diffImage.flatMap(link).map { " [diff](\($0))" } ?? ""
                var cells: [String] = ["`\(check.path)`"]
                cells.append(problems.isEmpty ? "pass" : "**fail**: " + problems.joined(separator: ", "))
                cells.append(result.status.map(String.init) ?? "–")
                cells.append(result.loadMilliseconds.map { "\($0) ms" } ?? "–")
                cells.append(result.fcpMilliseconds.map { "\($0) ms" } ?? "–")
                cells.append(String(result.bytes))
                cells.append(String(result.consoleErrors.count + result.exceptions.count))
                cells.append(String(result.failedRequests.count))
                cells.append((result.diffRatio.map(BrowserCheckResult.percent) ?? "–") + diff)
                cells.append(shot)
                lines.append("| " + cells.map { $0.replacing("|", with: "\\|") }.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n")
    }
}

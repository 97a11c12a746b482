import Foundation
import TrainyardCore

/// One page in one tab: open, load, measure, screenshot, close.
struct PageVisit {
    struct Outcome {
        var result: BrowserCheckResult
        var png: Data?
        /// Set when the browser crashed or went away: the page should be tried again.
        var crash: String?
    }

    let browser: Chromium
    let settings: BrowserCheck.Settings
    let page: BrowserCheck.Page

    func run() async -> Outcome {
        let connection = browser.connection
        let observer = PageObserver()
        var result = BrowserCheckResult(url: page.url)
        var session: String?
        var target: String?
        do {
            target = try await connection.send(
                "Target.createTarget", ["url": .string("about:blank")], as: DevToolsReply.Created.self
            )
            .targetId
            session = try await connection.send(
                "Target.attachToTarget", ["targetId": .string(target ?? ""), "flatten": .bool(true)],
                as: DevToolsReply.Attached.self
            ).sessionId
            await connection.listen(session: session ?? "") { observer.take($0) }
            for method in ["Page.enable", "Runtime.enable", "Log.enable", "Network.enable"] {
                _ = try await connection.send(method, session: session)
            }
            _ = try await connection.send(
                "Network.setCacheDisabled", ["cacheDisabled": .bool(true)], session: session)
            try await setViewport(height: settings.height, session: session)
            let navigated = try await connection.send(
                "Page.navigate", ["url": .string(page.url)], session: session, as: DevToolsReply.Navigated.self,
                timeout: settings.timeout)
            observer.expectDocument(loader: navigated.loaderId)
            if let errorText = navigated.errorText {
                result.error = "\(page.url) could not be loaded: \(errorText)"
            } else if let failure = try await waitForLoad(observer) {
                result.error = failure
            } else {
                try? await Task.sleep(for: settings.settle)
                try await measure(&result, session: session)
                let png = try await screenshot(&result, session: session)
                fill(&result, observer)
                await close(target, session)
                return Outcome(result: result, png: png)
            }
        } catch {
            if let crash = observer.crash {
                await close(target, session)
                return Outcome(result: result, png: nil, crash: crash)
            }
            result.error = "\(page.url) could not be checked: \(error)"
        }
        if let crash = observer.crash {
            await close(target, session)
            return Outcome(result: result, png: nil, crash: crash)
        }
        fill(&result, observer)
        await close(target, session)
        return Outcome(result: result, png: nil)
    }

    private func fill(_ result: inout BrowserCheckResult, _ observer: PageObserver) {
        let seen = observer.snapshot
        result.status = seen.status
        result.consoleErrors = seen.console
        result.exceptions = seen.exceptions
        result.failedRequests = seen.failed
        result.bytes = seen.bytes
    }

    /// Waits for the load event; the reason it did not come, or nil.
    private func waitForLoad(_ observer: PageObserver) async throws -> String? {
        let deadline = ContinuousClock.now.advanced(by: settings.timeout)
        while ContinuousClock.now < deadline {
            if observer.hasLoaded { return nil }
            if observer.crash != nil { throw DevToolsError(observer.crash ?? "") }
            try await Task.sleep(for: .milliseconds(25))
        }
        return "\(page.url) did not finish loading within \(settings.timeout)"
    }

    /// Timings from the page's own performance entries, its height, and the selectors it lacks.
    private func measure(_ result: inout BrowserCheckResult, session: String?) async throws {
        let selectors = String(decoding: try JSONEncoder().encode(page.expectSelectors), as: UTF8.self)
        let script = """
            JSON.stringify({
              load: (performance.getEntriesByType('navigation')[0] || {}).loadEventStart,
              fcp: (performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint') || {}).startTime,
              missing: \(selectors).filter(s => { try { return !document.querySelector(s) } catch (e) { return true } })
            })
            """
        let evaluated = try await browser.connection.send(
            "Runtime.evaluate", ["expression": .string(script), "returnByValue": .bool(true)], session: session,
            as: Evaluated.self)
        guard let text = evaluated.result.value,
            let figures = try? JSONDecoder().decode(Figures.self, from: Data(text.utf8))
        else { return }
        result.loadMilliseconds = figures.load.map { Int($0.rounded()) }
        result.fcpMilliseconds = figures.fcp.map { Int($0.rounded()) }
        result.missingSelectors = figures.missing
    }

    /// A full-page PNG: the viewport is stretched to the page's height (cut at the limit).
    private func screenshot(_ result: inout BrowserCheckResult, session: String?) async throws -> Data? {
        let metrics = try await browser.connection.send(
            "Page.getLayoutMetrics", session: session, as: DevToolsReply.Layout.self)
        let full = Int((metrics.cssContentSize ?? metrics.contentSize)?.height.rounded(.up) ?? Double(settings.height))
        let height = min(max(full, settings.height), settings.maxScreenshotHeight)
        if full > settings.maxScreenshotHeight {
            result.notes.append("screenshot cut at \(settings.maxScreenshotHeight) px of \(full) px")
        }
        try await setViewport(height: height, session: session)
        let shot = try await browser.connection.send(
            "Page.captureScreenshot", ["format": .string("png"), "fromSurface": .bool(true)], session: session,
            as: DevToolsReply.Shot.self, timeout: settings.timeout)
        return Data(base64Encoded: shot.data)
    }

    private func setViewport(height: Int, session: String?) async throws {
        _ = try await browser.connection.send(
            "Emulation.setDeviceMetricsOverride",
            [
                "width": .int(settings.width), "height": .int(height), "deviceScaleFactor": .int(1),
                "mobile": .bool(false),
            ], session: session)
    }

    private func close(_ target: String?, _ session: String?) async {
        if let session { await browser.connection.stopListening(session: session) }
        if let target {
            _ = try? await browser.connection.send(
                "Target.closeTarget", ["targetId": .string(target)], timeout: .seconds(5))
        }
    }

    private struct Evaluated: Decodable {
        struct Value: Decodable { let value: String? }
        let result: Value
    }
    private struct Figures: Decodable {
        let load: Double?
        let fcp: Double?
        let missing: [String]
    }
}

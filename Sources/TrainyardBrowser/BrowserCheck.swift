import Foundation
import Logging
import TrainyardCore

/// Checks pages in one headless Chromium the way a person would look at them: loads each URL in a
/// fresh tab at a fixed viewport, waits for its load event, and records its status, console,
/// failed requests, timings, weight and a full-page screenshot; with a baseline screenshot, the
/// share of pixels that changed. A page that cannot be checked gets its reason, never a hang: a
/// network error, a load past the timeout, the browser crashing (started again and tried once
/// more, then reported).
public actor BrowserCheck {
    public struct Settings: Sendable {
        /// The browser binary (``Chromium/find(_:environment:)``).
        public var executable: String
        public var width = 1280
        public var height = 800
        /// How long a page may take to reach its load event.
        public var timeout: Duration = .seconds(30)
        /// How long to keep listening after the load event for late errors.
        public var settle: Duration = .milliseconds(500)
        /// Full-page screenshots are cut at this height, in CSS pixels.
        public var maxScreenshotHeight = 16_384

        public init(executable: String) { self.executable = executable }
    }

    /// What to look at on one page.
    public struct Page: Sendable {
        public var url: String
        /// CSS selectors that must match an element once the page has loaded.
        public var expectSelectors: [String]

        public init(url: String, expectSelectors: [String] = []) {
            self.url = url
            self.expectSelectors = expectSelectors
        }
    }

    /// A page's figures and its screenshot, as PNG.
    public struct Outcome: Sendable {
        public var result: BrowserCheckResult
        public var screenshot: Data?
    }

    let settings: Settings
    let logger: Logger
    private var browser: Chromium?

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Checks `page`. A browser that crashed is started again and the page tried once more.
    public func check(_ page: Page) async -> Outcome {
        var lastCrash = ""
        for attempt in 1...2 {
            let chromium: Chromium
            do {
                chromium = try await running()
            } catch {
                return Outcome(result: BrowserCheckResult(url: page.url, error: "\(error)"), screenshot: nil)
            }
            let outcome = await PageVisit(browser: chromium, settings: settings, page: page).run()
            guard let crash = outcome.crash else { return Outcome(result: outcome.result, screenshot: outcome.png) }
            lastCrash = crash
            logger.warning("the browser crashed", metadata: ["url": "\(page.url)", "attempt": "\(attempt)"])
            await chromium.close()
            browser = nil
        }
        return Outcome(
            result: BrowserCheckResult(url: page.url, error: "\(lastCrash), twice: the page was not checked"),
            screenshot: nil)
    }

    /// Compares two PNG screenshots in the browser (its image decoder and a canvas): the share
    /// of pixels whose colour changed noticeably, and a difference image.
    public func comparison(_ baseline: Data, _ current: Data) async throws -> ImageComparison {
        try await ImageComparison.run(in: try await running(), baseline: baseline, current: current)
    }

    /// The process group of the running browser, if one runs (for operations, and for the tests
    /// that kill it to see the check survive).
    public var browserProcessGroup: Int32? { browser?.processGroup }

    /// Ends the browser.
    public func close() async {
        await browser?.close()
        browser = nil
    }

    private func running() async throws -> Chromium {
        if let browser, await browser.isAlive { return browser }
        if let browser { await browser.close() }
        let started = try await Chromium.launch(settings.executable, logger: logger)
        browser = started
        return started
    }
}

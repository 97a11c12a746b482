import Foundation
import Logging
import Testing
import TrainyardBrowser
import TrainyardCore
import TrainyardTesting

#if canImport(Glibc)
    import Glibc
#endif

/// The browser check in real headless Chromium against a local app with pages that are fine and
/// pages broken the ways deploys break. Figures are checked for what they mean (a status, an
/// error's text, a load held back by a slow image), never for how fast this machine is.
@Suite(.serialized)
struct BrowserCheckTests {
    static let missing = Chromium.missing(nil)

    static func withChecker(
        timeout: Duration = .seconds(30), _ body: (BrowserCheck, FakeReviewApp) async throws -> Void
    ) async throws {
        let executable = try #require(Chromium.find(), Comment(rawValue: missing))
        let app = FakeReviewApp()
        try await app.start()
        var logger = Logger(label: "test")
        logger.logLevel = .error
        var settings = BrowserCheck.Settings(executable: executable)
        settings.timeout = timeout
        let checker = BrowserCheck(settings: settings, logger: logger)
        do {
            try await body(checker, app)
        } catch {
            await checker.close()
            await app.stop()
            throw error
        }
        await checker.close()
        await app.stop()
    }

    @Test func aFinePageGivesEveryFigureAndPasses() async throws {
        try await Self.withChecker { checker, app in
            let outcome = await checker.check(BrowserCheck.Page(url: await app.url("/"), expectSelectors: ["#app"]))
            let result = outcome.result
            #expect(result.error == nil && result.status == 200, "\(result)")
            #expect(result.consoleErrors.isEmpty && result.exceptions.isEmpty && result.failedRequests.isEmpty)
            #expect(result.loadMilliseconds != nil && result.fcpMilliseconds != nil)
            #expect(result.bytes > 200, "the document and its headers")
            #expect(result.missingSelectors.isEmpty)
            #expect(result.problems(maxDiffRatio: 0.01).isEmpty)
            let png = try #require(outcome.screenshot)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        }
    }

    @Test(arguments: [
        ("/console-error", "1 console error", "boom from the console 42"),
        ("/exception", "1 uncaught exception", "Error: boom, uncaught"),
        ("/missing-script", "console error", "/assets/missing.js: status 404"),
        ("/status/500", "status 500", ""),
        ("/redirect-loop", "ERR_TOO_MANY_REDIRECTS", ""),
        ("/no-such-element", "`#nothing` is not on the page", ""),
    ])
    func brokenPagesFailWithTheReason(path: String, problem: String, detail: String) async throws {
        try await Self.withChecker { checker, app in
            let selectors = path == "/no-such-element" ? ["#nothing"] : []
            let url = await app.url(path == "/no-such-element" ? "/" : path)
            let result = await checker.check(BrowserCheck.Page(url: url, expectSelectors: selectors)).result
            let problems = result.problems(maxDiffRatio: 0.01)
            #expect(problems.contains { $0.contains(problem) }, "\(problems) \(result)")
            if !detail.isEmpty {
                let seen = result.consoleErrors + result.exceptions + result.failedRequests
                #expect(seen.contains { $0.contains(detail) }, "\(seen)")
            }
        }
    }

    @Test func anAppThatIsNotThereSpeaksNoTLSOrHangsFailsWithTheReasonAndNoHang() async throws {
        try await Self.withChecker(timeout: .seconds(3)) { checker, app in
            let closed = FreePort.pick(count: 1)
            let refused = await checker.check(BrowserCheck.Page(url: "http://127.0.0.1:\(closed)/")).result
            #expect(refused.error?.contains("ERR_CONNECTION_REFUSED") == true, "\(refused)")
            // TLS to a server that speaks plain HTTP: the handshake fails.
            let tls = await checker.check(BrowserCheck.Page(url: await app.url("/").replacing("http:", with: "https:")))
                .result
            #expect(tls.error?.contains("could not be loaded: net::ERR_SSL") == true, "\(tls)")
            let hung = await checker.check(BrowserCheck.Page(url: await app.url("/hang"))).result
            #expect(hung.error?.contains("within") == true, "\(hung)")
            // The browser is still good for the next page.
            let fine = await checker.check(BrowserCheck.Page(url: await app.url("/"))).result
            #expect(fine.error == nil && fine.status == 200)
        }
    }

    @Test func aSlowImageHoldsTheLoadEventBack() async throws {
        try await Self.withChecker { checker, app in
            let result = await checker.check(BrowserCheck.Page(url: await app.url("/slow"))).result
            let load = try #require(result.loadMilliseconds)
            #expect(load >= 1_400, "the image is answered after 1.5 s: \(load) ms")
            #expect(try #require(result.fcpMilliseconds) < load, "the text paints before the image arrives")
        }
    }

    @Test func aVeryTallPageIsCutWithANote() async throws {
        try await Self.withChecker { checker, app in
            let outcome = await checker.check(BrowserCheck.Page(url: await app.url("/tall")))
            #expect(outcome.result.notes.contains { $0.contains("screenshot cut at 16384 px") }, "\(outcome.result)")
            #expect(outcome.screenshot != nil)
        }
    }

    @Test func aChangedLookIsMeasuredByPixels() async throws {
        try await Self.withChecker { checker, app in
            let before = try #require(await checker.check(BrowserCheck.Page(url: await app.url("/"))).screenshot)
            let same = try await checker.comparison(before, before)
            #expect(same.ratio == 0)
            await app.setColour("#d62d20")
            let after = try #require(await checker.check(BrowserCheck.Page(url: await app.url("/"))).screenshot)
            let changed = try await checker.comparison(before, after)
            // The coloured block is 1280 × 440 of a 1280 × 800 page.
            #expect(changed.ratio > 0.4 && changed.ratio < 0.7, "\(changed.ratio)")
            #expect(changed.width == 1280 && changed.height == 800)
            #expect(changed.difference.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            await #expect(throws: DevToolsError.self) { try await checker.comparison(Data("not a png".utf8), after) }
        }
    }

    @Test func aBrowserThatDiesIsStartedAgainOnceThenTheCheckIsReported() async throws {
        try await Self.withChecker(timeout: .seconds(30)) { checker, app in
            // Every browser that checks the hanging page is killed after half a second.
            let url = await app.url("/hang")
            let checking = Task { await checker.check(BrowserCheck.Page(url: url)).result }
            var killed: Set<Int32> = []
            while killed.count < 2 {
                if let group = await checker.browserProcessGroup, group > 0, !killed.contains(group),
                    await app.requests["/hang", default: 0] > killed.count
                {
                    try await Task.sleep(for: .milliseconds(500))
                    kill(-group, SIGKILL)
                    killed.insert(group)
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let result = await checking.value
            #expect(result.error?.contains("twice") == true, "\(result)")
            let fine = await checker.check(BrowserCheck.Page(url: await app.url("/"))).result
            #expect(fine.error == nil && fine.status == 200, "a new browser checks the next page: \(fine)")
        }
    }

    @Test func aMissingBrowserIsAClearError() async throws {
        #expect(Chromium.find("/nonexistent/chromium") == nil)
        #expect(Chromium.missing("/nonexistent/chromium").contains("apt-get install chromium"))
        let checker = BrowserCheck(
            settings: BrowserCheck.Settings(executable: "/nonexistent/chromium"), logger: Logger(label: "test"))
        let result = await checker.check(BrowserCheck.Page(url: "http://127.0.0.1:1/")).result
        #expect(result.error?.contains("/nonexistent/chromium") == true, "\(result)")
    }
}

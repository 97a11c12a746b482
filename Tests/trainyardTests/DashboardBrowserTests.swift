import Foundation
import Logging
import Testing
import TrainyardBrowser
import TrainyardTesting

@testable import trainyard

/// The dashboard of the running service in headless Chromium: it renders with no console error,
/// shows the train and its car, renders a hostile title as text, takes live updates without a
/// reload, lets the keyboard reach every link, and never tells a state by colour alone. Set
/// `TRAINYARD_WRITE_SCREENSHOTS=1` to write the screenshot of `docs/dashboard.md`.
@Suite(.serialized)
struct DashboardBrowserTests {
    static let hostile = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script> Fix the login"
    static let auth = ["Authorization": "Bearer \(ServiceHarness.apiToken)"]

    @Test func theDashboardWorksInChromiumWithLiveUpdatesAndTheKeyboard() async throws {
        let executable = try #require(Chromium.find(), Comment(rawValue: Chromium.missing(nil)))
        // Pipelines of commits with a `hold` file run until the test ends, so a car stays in flight.
        // Update streams end every 4 seconds, so the page is seen reconnecting and going on (as a
        // page left open through restarts and the 10-minute stream ends does).
        let harness = try await ServiceHarness.start(
            policy: { job in job.files.keys.contains { $0.hasPrefix("hold") } ? nil : .success },
            adjust: { $0.dashboardStreamSeconds = 4 })
        var logger = Logger(label: "dashboard-browser")
        logger.logLevel = .error
        let browser = try await Chromium.launch(executable, logger: logger)
        do {
            try await harness.running { harness in
                for name in ["readme", "docs"] {
                    let landed = try await harness.openMergeRequest(name, ["\(name).txt": "1\n"])
                    _ = try await harness.request(
                        "POST", "api/v1/projects/group%2Fapp/merge_requests/\(landed)/enqueue", headers: Self.auth)
                    try await harness.waitFor(landed, state: "merged")
                }
                let first = try await harness.gitlab.createMergeRequest(
                    project: ServiceHarness.project, sourceBranch: "login", title: Self.hostile,
                    files: ["hold-login.txt": "1\n"])
                let (queued, _) = try await harness.request(
                    "POST", "api/v1/projects/group%2Fapp/merge_requests/\(first)/enqueue", headers: Self.auth)
                #expect(queued == 202)
                try await waitUntil { await !harness.gitlab.pipelines(project: ServiceHarness.project).isEmpty }
                try await Task.sleep(for: .seconds(3))

                let tab = try await BrowserTab.open(harness.baseURL.absoluteString + "/", in: browser)
                defer { Task { await tab.close() } }
                #expect(try await tab.evaluate("document.title") == "\"Trains · Trainyard\"")
                #expect(try await tab.evaluate("window.pwned === undefined") == "true", "no forge text runs")
                #expect(try await tab.evaluate("document.body.textContent.includes('window.pwned=2')") == "true")
                #expect(try await tab.evaluate("document.querySelectorAll('section.train').length") == "1")
                #expect(try await tab.evaluate("document.querySelectorAll('.recent li.landed').length") == "2")
                try await waitUntil(timeout: .seconds(30)) {
                    (try? await tab.evaluate("document.querySelector('.car') !== null")) == "true"
                }
                #expect(
                    try await tab.evaluate("document.querySelector('.car').textContent.includes('!\(first)')") == "true"
                )
                try await waitUntil(timeout: .seconds(20)) {
                    (try? await tab.evaluate("document.getElementById('live').textContent")) == "\"live\""
                }

                // Colour is never the only carrier: each element coloured by a state names it.
                let unnamed = try await tab.evaluate(
                    """
                    Array.from(document.querySelectorAll('[class*="state-"]')).filter(e => {
                      const state = Array.from(e.classList).find(c => c.startsWith('state-')).slice(6);
                      return !e.textContent.toLowerCase().includes(state.replace('_', ' '));
                    }).map(e => e.outerHTML.slice(0, 80))
                    """)
                #expect(unnamed == "[]", "\(unnamed)")

                // After the stream ended and the page reconnected, a second merge request still
                // appears without a reload.
                _ = try await tab.evaluate("(window.sameDocument = 'yes')")
                try await waitUntil(timeout: .seconds(30)) {
                    (try? await tab.evaluate("Number(document.body.dataset.opens || 0) >= 2")) == "true"
                }
                let second = try await harness.openMergeRequest("signup", ["signup.txt": "1\n"])
                _ = try await harness.request(
                    "POST", "api/v1/projects/group%2Fapp/merge_requests/\(second)/enqueue", headers: Self.auth)
                try await waitUntil(timeout: .seconds(30)) {
                    (try? await tab.evaluate("document.querySelector('main').textContent.includes('!\(second)')"))
                        == "true"
                }
                #expect(try await tab.evaluate("window.sameDocument") == "\"yes\"", "updated in place, not reloaded")
                #expect(try await tab.evaluate("Number(document.body.dataset.updates || 0) >= 1") == "true")
                try await Task.sleep(for: .seconds(3))

                // The keyboard reaches every link. A live update during the walk (a car's pipeline
                // starting on a loaded machine) changes the links under it: the walk is then made
                // again on the new page, up to three times.
                var links = 0
                var reached: Set<Int> = []
                for _ in 0..<3 {
                    let before = try await tab.evaluate("document.body.dataset.updates || '0'")
                    links = Int(try await tab.evaluate("document.querySelectorAll('a[href]').length")) ?? 0
                    reached = []
                    for _ in 0..<(links + 3) {
                        try await tab.press("Tab")
                        let index =
                            Int(
                                try await tab.evaluate(
                                    "Array.from(document.querySelectorAll('a[href]')).indexOf(document.activeElement)"))
                            ?? -1
                        if index >= 0 { reached.insert(index) }
                    }
                    if try await tab.evaluate("document.body.dataset.updates || '0'") == before { break }
                }
                #expect(links >= 6)
                #expect(reached == Set(0..<links), "reached \(reached.sorted()) of \(links) links")
                #expect(tab.problems.isEmpty, "\(tab.problems)")

                let png = try await tab.screenshot()
                #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
                if ProcessInfo.processInfo.environment["TRAINYARD_WRITE_SCREENSHOTS"] == "1" {
                    let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                        .deletingLastPathComponent().appendingPathComponent("docs/dashboard.png")
                    try png.write(to: docs)
                }
            }
        } catch {
            await browser.close()
            throw error
        }
        await browser.close()
    }
}

import Testing

@testable import TrainyardCore

/// How a browser check's figures are judged: every reason a page fails, named.
struct BrowserCheckResultTests {
    static let fine = BrowserCheckResult(url: "http://app/", status: 200, loadMilliseconds: 300, fcpMilliseconds: 120)

    static func with(_ change: (inout BrowserCheckResult) -> Void) -> BrowserCheckResult {
        var result = fine
        change(&result)
        return result
    }

    @Test(arguments: [
        (fine, [String]()),
        (with { $0.status = 302 }, []),
        (with { $0.status = 404 }, ["status 404"]),
        (with { $0.status = nil }, ["no document arrived"]),
        (with { $0.consoleErrors = ["a", "b"] }, ["2 console errors"]),
        (with { $0.exceptions = ["Error: boom"] }, ["1 uncaught exception"]),
        (with { $0.failedRequests = ["http://app/x.png: status 404"] }, []),
        (with { $0.missingSelectors = ["#app"] }, ["`#app` is not on the page"]),
        (with { $0.diffRatio = 0.01 }, []),
        (with { $0.diffRatio = 0.0123 }, ["the look changed: 1.23% of pixels differ (at most 1.00%)"]),
        (
            with { $0.error = "http://app/ could not be loaded: net::ERR_CONNECTION_REFUSED" },
            ["http://app/ could not be loaded: net::ERR_CONNECTION_REFUSED"]
        ),
        (with { ($0.status, $0.consoleErrors) = (500, ["x"]) }, ["status 500", "1 console error"]),
    ])
    func problemsNameEveryReason(result: BrowserCheckResult, expected: [String]) {
        #expect(result.problems(maxDiffRatio: 0.01) == expected)
    }

    @Test func anExpectedStatusReplacesTheUnder400Rule() {
        #expect(Self.with { $0.status = 401 }.problems(maxDiffRatio: 0.01, expectStatus: 401).isEmpty)
        #expect(Self.fine.problems(maxDiffRatio: 0.01, expectStatus: 401) == ["status 200, expected 401"])
    }

    @Test(arguments: [(0.0, "0.00%"), (0.0042, "0.42%"), (0.1, "10.00%"), (1.0, "100.00%"), (0.00005, "0.01%")])
    func percentagesHaveTwoDecimals(ratio: Double, text: String) {
        #expect(BrowserCheckResult.percent(ratio) == text)
    }
}

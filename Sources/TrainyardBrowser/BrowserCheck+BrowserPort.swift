import Foundation
import TrainyardCore
import TrainyardEngine

/// The browser check as the engine's browser for review apps.
extension BrowserCheck: BrowserPort {
    public func check(url: String, expectSelectors: [String]) async -> (BrowserCheckResult, Data?) {
        let outcome = await check(Page(url: url, expectSelectors: expectSelectors))
        return (outcome.result, outcome.screenshot)
    }

    public func compare(_ baseline: Data, _ current: Data) async throws -> (ratio: Double, difference: Data) {
        let comparison = try await comparison(baseline, current)
        return (comparison.ratio, comparison.difference)
    }
}

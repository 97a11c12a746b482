import Foundation
import TrainyardCore

/// A project's review apps as the API shows them: each app's state, address, head, TTL, last
/// check figures and signed screenshot links, and the recent decisions (the sweeper's among them).
struct ReviewAppsView: Encodable {
    struct App: Encodable {
        let mergeRequest: Int
        let state: String
        let url: String?
        let head: String
        let deployedHead: String?
        let pinned: Bool
        /// When the TTL stops it (UTC); nil when pinned or not running.
        let expiresAt: String?
        let summary: String
        let checks: [Check]
    }
    struct Check: Encodable {
        let url: String
        let status: Int?
        let consoleErrors: [String]
        let failedRequests: [String]
        let loadMs: Int?
        let fcpMs: Int?
        let bytes: Int
        let diffRatio: Double?
        let error: String?
        let screenshot: String?
        let diffImage: String?
    }

    let project: String
    let apps: [App]
    /// Places used of `max_apps`, and the merge requests waiting for one.
    let placesUsed: Int
    let maxApps: Int
    let waiting: [Int]
    let log: [String]

    init(project: String, _ state: ReviewApps, link: (String) -> String?) {
        self.project = project
        placesUsed = state.placesUsed
        maxApps = state.settings.maxApps
        waiting = state.waiting
        log = state.log.reversed()
        apps = state.apps.values.sorted { $0.number < $1.number }.map { app in
            App(
                mergeRequest: app.number, state: app.state.rawValue, url: app.url, head: app.head.value,
                deployedHead: app.deployedHead?.value, pinned: app.pinned,
                expiresAt: app.expiresAt(state.settings).map { "\(ZoneRules.utc.civil(at: $0))Z" },
                summary: app.summary,
                checks: app.checks.map { result in
                    Check(
                        url: result.url, status: result.status,
                        consoleErrors: result.consoleErrors + result.exceptions, failedRequests: result.failedRequests,
                        loadMs: result.loadMilliseconds, fcpMs: result.fcpMilliseconds, bytes: result.bytes,
                        diffRatio: result.diffRatio, error: result.error, screenshot: result.screenshot.flatMap(link),
                        diffImage: result.diffImage.flatMap(link))
                })
        }
    }
}

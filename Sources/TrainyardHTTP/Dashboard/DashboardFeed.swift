import Foundation

/// The front page's content, rendered at most once per interval however many pages are open:
/// every open page's update stream asks here.
actor DashboardFeed {
    let renderer: DashboardRenderer
    let interval: Duration
    var cached: (content: String, at: ContinuousClock.Instant)?

    init(renderer: DashboardRenderer, interval: Duration) {
        self.renderer = renderer
        self.interval = interval
    }

    func content() async throws -> String {
        let now = ContinuousClock.now
        if let cached, now - cached.at < interval { return cached.content }
        let content = try await renderer.content(now: Date())
        cached = (content, now)
        return content
    }
}

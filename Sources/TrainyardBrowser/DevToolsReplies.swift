/// The parts of DevTools replies that the tab drivers read (`PageVisit`, `BrowserTab`,
/// `ImageComparison`).
enum DevToolsReply {
    /// `Target.createTarget`.
    struct Created: Decodable { let targetId: String }
    /// `Target.attachToTarget`.
    struct Attached: Decodable { let sessionId: String }
    /// `Page.navigate`.
    struct Navigated: Decodable {
        let loaderId: String?
        let errorText: String?
    }
    /// `Page.getLayoutMetrics`.
    struct Layout: Decodable {
        struct Size: Decodable { let height: Double }
        let contentSize: Size?
        let cssContentSize: Size?
    }
    /// `Page.captureScreenshot`.
    struct Shot: Decodable { let data: String }
}

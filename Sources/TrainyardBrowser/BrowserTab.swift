import Foundation

/// One tab of a running Chromium, driven a step at a time: open a page, run a script in it, press
/// keys, take a screenshot, read its console errors. For tests of pages Trainyard serves itself
/// (the dashboard), where a one-shot ``BrowserCheck`` cannot wait for what happens later.
public final class BrowserTab: Sendable {
    let browser: Chromium
    let session: String
    let target: String
    let observer: PageObserver

    init(browser: Chromium, session: String, target: String, observer: PageObserver) {
        self.browser = browser
        self.session = session
        self.target = target
        self.observer = observer
    }

    /// Opens `url` in a new tab of `width`×`height` and waits for its load event.
    public static func open(
        _ url: String, in browser: Chromium, width: Int = 1280, height: Int = 900, timeout: Duration = .seconds(30)
    ) async throws -> BrowserTab {
        let connection = browser.connection
        let observer = PageObserver()
        let target = try await connection.send(
            "Target.createTarget", ["url": .string("about:blank")], as: DevToolsReply.Created.self
        )
        .targetId
        let session = try await connection.send(
            "Target.attachToTarget", ["targetId": .string(target), "flatten": .bool(true)],
            as: DevToolsReply.Attached.self
        ).sessionId
        await connection.listen(session: session) { observer.take($0) }
        let tab = BrowserTab(browser: browser, session: session, target: target, observer: observer)
        for method in ["Page.enable", "Runtime.enable", "Log.enable", "Network.enable"] {
            _ = try await connection.send(method, session: session)
        }
        _ = try await connection.send(
            "Emulation.setDeviceMetricsOverride",
            ["width": .int(width), "height": .int(height), "deviceScaleFactor": .int(1), "mobile": .bool(false)],
            session: session)
        let navigated = try await connection.send(
            "Page.navigate", ["url": .string(url)], session: session, as: DevToolsReply.Navigated.self, timeout: timeout
        )
        if let error = navigated.errorText { throw DevToolsError("\(url) could not be loaded: \(error)") }
        observer.expectDocument(loader: navigated.loaderId)
        let deadline = ContinuousClock.now + timeout
        while !observer.hasLoaded {
            guard ContinuousClock.now < deadline else { throw DevToolsError("\(url) did not load within \(timeout)") }
            try await Task.sleep(for: .milliseconds(25))
        }
        return tab
    }

    /// Runs `expression` in the page and returns its value as JSON text (`JSON.stringify` of it).
    public func evaluate(_ expression: String) async throws -> String {
        let wrapped = "JSON.stringify((() => { return \(expression); })())"
        let evaluated = try await browser.connection.send(
            "Runtime.evaluate", ["expression": .string(wrapped), "returnByValue": .bool(true)], session: session,
            as: Evaluated.self)
        if let exception = evaluated.exceptionDetails { throw DevToolsError("the script failed: \(exception.text)") }
        return evaluated.result.value ?? "null"
    }

    /// Presses and releases a key (`Tab`, `Enter`), as a person at the keyboard would.
    public func press(_ key: String, code: String? = nil, keyCode: Int = 9) async throws {
        for type in ["rawKeyDown", "keyUp"] {
            _ = try await browser.connection.send(
                "Input.dispatchKeyEvent",
                [
                    "type": .string(type), "key": .string(key), "code": .string(code ?? key),
                    "windowsVirtualKeyCode": .int(keyCode),
                ], session: session)
        }
    }

    /// A PNG of the whole page, its height up to `maximumHeight`.
    public func screenshot(width: Int = 1280, maximumHeight: Int = 4000) async throws -> Data {
        let metrics = try await browser.connection.send(
            "Page.getLayoutMetrics", session: session, as: DevToolsReply.Layout.self)
        let full = Int((metrics.cssContentSize ?? metrics.contentSize)?.height.rounded(.up) ?? 900)
        _ = try await browser.connection.send(
            "Emulation.setDeviceMetricsOverride",
            [
                "width": .int(width), "height": .int(min(max(full, 300), maximumHeight)), "deviceScaleFactor": .int(1),
                "mobile": .bool(false),
            ], session: session)
        let shot = try await browser.connection.send(
            "Page.captureScreenshot", ["format": .string("png"), "fromSurface": .bool(true)], session: session,
            as: DevToolsReply.Shot.self)
        guard let data = Data(base64Encoded: shot.data) else { throw DevToolsError("the screenshot was not base64") }
        return data
    }

    /// Console errors, uncaught exceptions and failed requests seen so far.
    public var problems: [String] {
        let seen = observer.snapshot
        return seen.console + seen.exceptions + seen.failed
    }

    public func close() async {
        await browser.connection.stopListening(session: session)
        _ = try? await browser.connection.send(
            "Target.closeTarget", ["targetId": .string(target)], timeout: .seconds(5))
    }

    private struct Evaluated: Decodable {
        struct Value: Decodable { let value: String? }
        struct Exception: Decodable { let text: String }
        let result: Value
        let exceptionDetails: Exception?
    }
}

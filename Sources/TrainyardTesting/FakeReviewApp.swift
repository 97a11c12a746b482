import Foundation
import Hummingbird
import Logging

/// A web app on 127.0.0.1 to point browser checks and review apps at, with pages that are fine
/// and pages that are broken in the ways deploys break:
///
/// - `/` a page with `#app` in the current colour (``setColour(_:)`` changes its look);
/// - `/console-error` logs `console.error`; `/exception` throws uncaught;
/// - `/missing-script` loads a script that answers 404; `/status/500` answers 500;
/// - `/slow` holds its load event for ``slowMilliseconds`` with a slow image;
/// - `/redirect-loop` redirects to itself; `/tall` is 30 000 px high;
/// - `/hang` never answers within a check's time.
public actor FakeReviewApp {
    public private(set) var port = 0
    public private(set) var colour = "#2a6fdb"
    public var slowMilliseconds = 1_500
    private var server: GracefulRunner?
    /// Requests seen, by path.
    public private(set) var requests: [String: Int] = [:]

    public init() {}

    /// The address of `path` on this app.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    public func setColour(_ value: String) { colour = value }

    private func seen(_ path: String) -> (colour: String, slow: Int) {
        requests[path, default: 0] += 1
        return (colour, slowMilliseconds)
    }

    static func html(_ body: String, head: String = "") -> Response {
        let page = """
            <!doctype html><html><head><meta charset="utf-8"><title>review app</title>\(head)
            <style>body{margin:0;font:16px sans-serif}#app{height:400px;padding:20px}</style></head>
            <body>\(body)</body></html>
            """
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }

    /// Starts the app at a free port and returns once it listens.
    public func start() async throws {
        let router = Router()
        router.get("/") { [self] _, _ -> Response in
            let (colour, _) = await self.seen("/")
            return Self.html(#"<div id="app" style="background:\#(colour)">Hello from the review app</div>"#)
        }
        router.get("/console-error") { [self] _, _ -> Response in
            _ = await self.seen("/console-error")
            return Self.html(#"<div id="app">ok</div><script>console.error("boom from the console", 42)</script>"#)
        }
        router.get("/exception") { [self] _, _ -> Response in
            _ = await self.seen("/exception")
            return Self.html(#"<div id="app">ok</div><script>throw new Error("boom, uncaught")</script>"#)
        }
        router.get("/missing-script") { [self] _, _ -> Response in
            _ = await self.seen("/missing-script")
            return Self.html(#"<div id="app">ok</div><script src="/assets/missing.js"></script>"#)
        }
        router.get("/status/500") { [self] _, _ -> Response in
            _ = await self.seen("/status/500")
            var response = Self.html("<h1>Internal Server Error</h1>")
            response.status = .internalServerError
            return response
        }
        router.get("/slow") { [self] _, _ -> Response in
            _ = await self.seen("/slow")
            return Self.html(#"<div id="app">slow</div><img src="/slow-image.svg" width="10" height="10">"#)
        }
        router.get("/slow-image.svg") { [self] _, _ -> Response in
            let (_, slow) = await self.seen("/slow-image.svg")
            try await Task.sleep(for: .milliseconds(slow))
            return Response(
                status: .ok, headers: [.contentType: "image/svg+xml"],
                body: ResponseBody(
                    byteBuffer: ByteBuffer(
                        string: #"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>"#)))
        }
        router.get("/redirect-loop") { [self] _, _ -> Response in
            _ = await self.seen("/redirect-loop")
            return Response(status: .found, headers: [.location: "/redirect-loop"])
        }
        router.get("/tall") { [self] _, _ -> Response in
            _ = await self.seen("/tall")
            return Self.html(#"<div id="app" style="height:30000px;background:linear-gradient(#fff,#333)">tall</div>"#)
        }
        router.get("/hang") { [self] _, _ -> Response in
            _ = await self.seen("/hang")
            try await Task.sleep(for: .seconds(600))
            return Self.html("too late")
        }
        let (server, port) = await GracefulRunner.serve(router, label: "FakeReviewApp")
        self.server = server
        self.port = port
    }

    public func stop() async {
        await server?.stop()
        server = nil
    }
}

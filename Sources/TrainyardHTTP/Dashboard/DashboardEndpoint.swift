import Foundation
import HTTPTypes
import Hummingbird

/// The dashboard's routes: the front page `/`, its live updates `/events` (server-sent events),
/// a change's decisions, and the stylesheet and script. Pages are read-only.
struct DashboardEndpoint: Sendable {
    let services: HTTPServices
    let renderer: DashboardRenderer
    let feed: DashboardFeed
    let access: DashboardAccess

    init(services: HTTPServices) {
        self.services = services
        renderer = DashboardRenderer(services: services)
        feed = DashboardFeed(
            renderer: renderer, interval: .milliseconds(Int64(services.dashboard.refreshSeconds * 500)))
        access = DashboardAccess(settings: services.dashboard, apiTokens: services.apiTokens)
    }

    /// No script or style from elsewhere, no framing, no referrer leaving with a link.
    static let htmlHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
        .contentSecurityPolicy:
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "no-referrer",
    ]

    func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: Self.htmlHeaders, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// `GET /`.
    func front(_ request: Request) async throws -> Response {
        if let refusal = access.refusal(request, page: renderer.denied) { return refusal }
        return html(renderer.page(title: "Trains", content: try await feed.content(), live: "/events"))
    }

    /// `GET /projects/{project}/changes/{iid}`: the decisions about one change.
    func history(_ request: Request, context: BasicRequestContext) async throws -> Response {
        if let refusal = access.refusal(request, page: renderer.denied) { return refusal }
        do {
            let project = try APIEndpoints(services: services).resolveProject(request, context: context)
            guard let text = context.parameters.get("iid"), let number = Int(text), number > 0, number < 1 << 31 else {
                throw APIError(.badRequest, "invalid_iid", "The merge request number must be a positive whole number.")
            }
            let content = try await renderer.history(project: project, number: number, now: Date())
            return html(renderer.page(title: "!\(number) in \(project.path)", content: content, live: nil))
        } catch let error as APIError {
            let content = renderer.render(["message": error.message], "denied")
                .replacingOccurrences(of: "This dashboard needs a token", with: "Not found")
            return html(renderer.page(title: "Not found", content: content, live: nil), status: error.status)
        }
    }

    /// `GET /events`: the front page's content as `update` events, sent when it changed and at
    /// the start; a comment every 15 seconds keeps proxies from closing the stream. The stream
    /// ends after `streamSeconds` (the browser reconnects after `retry`), and when the service stops.
    func events(_ request: Request) async throws -> Response {
        if let refusal = access.refusal(request, page: renderer.denied) { return refusal }
        let feed = feed
        let engine = services.engine
        let pause = Duration.milliseconds(Int64(services.dashboard.refreshSeconds * 1000))
        let lifetime = Duration.milliseconds(Int64(services.dashboard.streamSeconds * 1000))
        let headers: HTTPFields = [
            .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
            HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
                let end = ContinuousClock.now + lifetime
                var sent: String?
                var lastWrite = ContinuousClock.now
                var id = 0
                while !Task.isCancelled, !engine.isShuttingDown, ContinuousClock.now < end {
                    let content = try await feed.content()
                    if content != sent {
                        id += 1
                        try await writer.write(ByteBuffer(string: Self.event("update", id: id, data: content)))
                        sent = content
                        lastWrite = ContinuousClock.now
                    } else if ContinuousClock.now - lastWrite > .seconds(15) {
                        try await writer.write(ByteBuffer(string: ": still here\n\n"))
                        lastWrite = ContinuousClock.now
                    }
                    try await Task.sleep(for: pause)
                }
                try await writer.finish(nil)
            })
    }

    /// One server-sent event: each line of `data` on its own `data:` line.
    static func event(_ name: String, id: Int, data: String) -> String {
        let lines = data.replacingOccurrences(of: "\r", with: "").split(
            separator: "\n", omittingEmptySubsequences: false)
        return "event: \(name)\nid: \(id)\n" + lines.map { "data: \($0)\n" }.joined() + "\n"
    }

    /// `GET /dashboard.css` and `/dashboard.js`.
    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type, .cacheControl: "public, max-age=300",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

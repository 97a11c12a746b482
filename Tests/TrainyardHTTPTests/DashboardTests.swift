import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TrainyardCore
import TrainyardEngine
@testable import TrainyardHTTP

@testable import TrainyardStore

/// The dashboard over HTTP with a seeded SQLite store: what the page shows, that forge texts are
/// escaped, the change history page, the update stream's format, and `access: token`.
struct DashboardTests {
    static let hostile = "<script>alert('title')</script> & \"quotes\""

    static func withDashboard(
        _ settings: DashboardSettings = DashboardSettings(
            links: ["gitlab": ForgeLinks(kind: .gitlab, web: "https://gitlab.example.com")], refreshSeconds: 0.05,
            streamSeconds: 0.3),
        apiTokens: [String] = [],
        _ body: @escaping @Sendable (any TestClientProtocol, SQLiteStore) async throws -> Void
    ) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dash-\(UUID().uuidString)/t.db").path
        let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
        let ports = RoutesTests.NoPorts()
        let engine = TrainEngine(
            store: store, git: ports, forges: [:], projects: [], clock: { Instant(Date()) },
            logger: Logger(label: "test"))
        let project = ProjectKey(forge: "gitlab", path: "group/app")
        var services = HTTPServices(
            verifiers: [:], engine: engine, store: store, apiTokens: apiTokens, projects: [project],
            targets: [project: ["main", "release"]])
        services.dashboard = settings
        var train = Train(
            id: TrainID(forge: "gitlab", project: "group/app", target: "main"),
            settings: TrainSettings(maxParallel: 2, planner: .prefix))
        let now = Instant(Date())
        let before = train
        var actions = train.apply(.targetMoved(head: SHA(String(repeating: "a", count: 40))))
        let change = Change(
            number: 12, head: SHA(String(repeating: "b", count: 40)), title: Self.hostile, sourceBranch: "f",
            requestedBy: "@<b>alice</b>", enqueuedAt: now)
        actions += train.apply(.changeEnqueued(change))
        let decisions = train.decisions(for: .changeEnqueued(change), before: before, actions: actions)
        try await store.commit(
            train: train.id, state: train, actions: [], decisions: decisions, timers: [], finishing: nil, at: now)
        let app = Application(router: TrainyardRoutes.router(services))
        do {
            try await app.test(.live) { client in try await body(client, store) }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    @Test func thePageShowsTheTrainsAndEscapesEveryForgeText() async throws {
        try await Self.withDashboard { client, _ in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            let page = String(buffer: response.body)
            #expect(!page.contains("<script>alert"), "a title is text, never markup")
            #expect(page.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"))
            #expect(page.contains("@&lt;b&gt;alice&lt;/b&gt;"))
            #expect(page.contains("href=\"https://gitlab.example.com/group/app/-/merge_requests/12\""))
            #expect(page.contains("href=\"/projects/group%2Fapp/changes/12?forge=gitlab\""))
            #expect(
                page.contains("<code>main</code>") && page.contains("<code>release</code>"), "configured trains too")
            #expect(page.contains("Car 1: <strong>building</strong>"), "the state in words, not only by colour")
            #expect(
                page.contains("<svg class=\"chart\"") && page.contains("Queue length over the last 24 hours: now 1"))
            #expect(page.contains("data-live=\"/events\""))
            for asset in ["/dashboard.css", "/dashboard.js"] {
                let file = try await client.execute(uri: asset, method: .get)
                #expect(file.status == .ok && file.body.readableBytes > 100)
            }
        }
    }

    @Test func aChangeHasItsDecisionHistory() async throws {
        try await Self.withDashboard { client, _ in
            let response = try await client.execute(uri: "/projects/group%2Fapp/changes/12", method: .get)
            #expect(response.status == .ok)
            let page = String(buffer: response.body)
            #expect(page.contains("<strong>queued</strong> on <code>main</code>: Queued at position 1 of 1."))
            #expect(page.contains("<strong>car built</strong>"))
            let unknown = try await client.execute(uri: "/projects/other%2Fapp/changes/12", method: .get)
            #expect(
                unknown.status == .notFound && String(buffer: unknown.body).contains("Trainyard manages no project"))
            let bad = try await client.execute(uri: "/projects/group%2Fapp/changes/x", method: .get)
            #expect(bad.status == .badRequest)
        }
    }

    @Test func theUpdateStreamSendsTheContentAsServerSentEvents() async throws {
        try await Self.withDashboard { client, _ in
            let response = try await client.execute(uri: "/events", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream; charset=utf-8")
            let text = String(buffer: response.body)
            #expect(text.hasPrefix("retry: 3000\n\nevent: update\nid: 1\ndata: "))
            #expect(text.contains("\ndata: <section class=\"train\""))
            #expect(text.components(separatedBy: "event: update").count == 2, "unchanged content is sent once")
            #expect(!text.contains("<script>alert"))
        }
        #expect(
            DashboardEndpoint.event("update", id: 3, data: "a\r\nb\n")
                == "event: update\nid: 3\ndata: a\ndata: b\ndata: \n\n")
    }

    @Test func withAccessTokenEveryPageNeedsAToken() async throws {
        let settings = DashboardSettings(
            access: .token, tokens: ["a-dashboard-token-1234"], refreshSeconds: 0.05, streamSeconds: 0.2)
        try await Self.withDashboard(settings, apiTokens: ["an-api-token-123456"]) { client, _ in
            for uri in ["/", "/events", "/projects/group%2Fapp/changes/12", "/?token=wrong"] {
                let refused = try await client.execute(uri: uri, method: .get)
                #expect(refused.status == .unauthorized, "\(uri)")
                #expect(String(buffer: refused.body).contains("needs a token"))
                #expect(!String(buffer: refused.body).contains("alert"), "nothing of the trains shows")
            }
            let css = try await client.execute(uri: "/dashboard.css", method: .get)
            #expect(css.status == .ok, "the stylesheet is no secret")
            for token in ["a-dashboard-token-1234", "an-api-token-123456"] {
                let bearer = try await client.execute(
                    uri: "/", method: .get, headers: [.authorization: "Bearer \(token)"])
                #expect(bearer.status == .ok)
            }
            let link = try await client.execute(uri: "/?token=a-dashboard-token-1234", method: .get)
            #expect(link.status == .seeOther && link.headers[.location] == "/")
            let cookie = try #require(link.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("1234"))
            #expect(!cookie.contains("Secure"), "Secure only when public_url is https")
            let pair = String(cookie.prefix { $0 != ";" })
            let again = try await client.execute(uri: "/", method: .get, headers: [.cookie: pair])
            #expect(again.status == .ok)
            let forged = try await client.execute(uri: "/", method: .get, headers: [.cookie: "trainyard_dashboard=00"])
            #expect(forged.status == .unauthorized)
        }
    }

    @Test func behindHTTPSTheCookieIsSecure() async throws {
        var settings = DashboardSettings(access: .token, tokens: ["a-dashboard-token-1234"])
        settings.secureCookie = true
        try await Self.withDashboard(settings) { client, _ in
            let link = try await client.execute(uri: "/?token=a-dashboard-token-1234", method: .get)
            #expect(link.status == .seeOther && link.headers[.setCookie]?.contains("Secure") == true)
        }
    }
}

import Foundation
import HummingbirdTesting
import Logging
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardStore

@testable import Hummingbird
@testable import TrainyardHTTP

/// Screenshots behind signed, expiring links: a link Trainyard made opens; one without its
/// signature, with a changed path or signature, past its time, or reaching outside the folder
/// does not, and each refusal says why.
struct ScreenshotLinksTests {
    static func folder() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("shots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("gitlab/group/app/mr-12"), withIntermediateDirectories: true)
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: root.appendingPathComponent("gitlab/group/app/mr-12/1-0.png"))
        try Data("secret".utf8).write(to: root.deletingLastPathComponent().appendingPathComponent("outside.txt"))
        return root.path
    }

    @Test func linksAreMadeOnlyForFilesInTheFolder() throws {
        let root = try Self.folder()
        let links = ScreenshotLinks(root: root, baseURL: "https://ty.example.com/", secret: "0123456789abcdef")
        let link = try #require(
            links.link(root + "/gitlab/group/app/mr-12/1-0.png", now: Date(timeIntervalSince1970: 1_000)))
        #expect(
            link.hasPrefix(
                "https://ty.example.com/review-apps/files/gitlab%2Fgroup%2Fapp%2Fmr-12%2F1-0.png?expires=605800&signature="
            ))
        #expect(links.link("/etc/passwd") == nil && links.link(root + "/../outside.txt") == nil)
    }

    @Test func theEndpointServesSignedLinksAndRefusesTheRest() async throws {
        let root = try Self.folder()
        let links = ScreenshotLinks(root: root, baseURL: "http://localhost", secret: "0123456789abcdef", lifetime: 60)
        let store = try await SQLiteStore.open(
            path: FileManager.default.temporaryDirectory.appendingPathComponent("shots-\(UUID())/t.db").path,
            logger: Logger(label: "test"))
        let ports = RoutesTests.NoPorts()
        let engine = TrainEngine(
            store: store, git: ports, forges: [:], projects: [], clock: { Instant(seconds: 1) },
            logger: Logger(label: "test"))
        var services = HTTPServices(verifiers: [:], engine: engine, store: store, apiTokens: [], projects: [])
        services.screenshots = links
        let app = Application(router: TrainyardRoutes.router(services))
        let link = try #require(links.link(root + "/gitlab/group/app/mr-12/1-0.png"))
        let path = String(link.dropFirst("http://localhost".count))
        try await app.test(.live) { client in
            let good = try await client.execute(uri: path, method: .get)
            #expect(good.status == .ok && good.headers[.contentType] == "image/png")
            #expect(Array(Data(buffer: good.body)) == [0x89, 0x50, 0x4E, 0x47])
            let cases: [(String, HTTPResponse.Status, String)] = [
                (String(path.prefix { $0 != "?" }), .unauthorized, "unsigned_link"),
                (path.replacing("1-0.png", with: "2-0.png"), .forbidden, "bad_signature"),
                (path.replacing("signature=", with: "signature=0"), .forbidden, "bad_signature"),
                (
                    "/review-apps/files/..%2F..%2Foutside.txt?expires=9999999999&signature=00", .forbidden,
                    "bad_signature"
                ),
            ]
            for (uri, status, code) in cases {
                let response = try await client.execute(uri: uri, method: .get)
                let body = String(buffer: response.body)
                #expect(response.status == status && body.contains(code), "\(uri): \(response.status) \(body)")
            }
        }
        let old = ScreenshotLinks(root: root, baseURL: "http://localhost", secret: "0123456789abcdef", lifetime: -10)
        let expired = try #require(old.link(root + "/gitlab/group/app/mr-12/1-0.png"))
        let relative = "gitlab/group/app/mr-12/1-0.png"
        let query = URLComponents(string: expired)?.queryItems ?? []
        let result = links.file(
            relative, expires: query.first { $0.name == "expires" }?.value,
            signature: query.first { $0.name == "signature" }?.value)
        guard case .failure(.expired) = result else {
            Issue.record("expected an expired link, got \(result)")
            return
        }
        try await store.close()
    }
}

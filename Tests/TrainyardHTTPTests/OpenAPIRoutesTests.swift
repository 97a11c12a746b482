import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TrainyardHTTP

/// `docs/openapi.yaml`, `TrainyardRoutes.endpoints` and the live router agree: every route is
/// documented, and every documented route is served.
struct OpenAPIRoutesTests {
    /// `METHOD /path` for every operation under `paths:` in the OpenAPI document.
    static func documented() throws -> Set<String> {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")
        let lines = try String(contentsOf: url, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        var operations: Set<String> = []
        var inPaths = false
        var path: String?
        for line in lines {
            if line == "paths:" {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if let first = line.first, !first.isWhitespace { break }
            if let match = line.wholeMatch(of: #/  (/\S*):/#) {
                path = String(match.output.1)
            } else if let match = line.wholeMatch(of: #/    (get|put|post|delete|patch|head|options):/#), let path {
                operations.insert("\(match.output.1.uppercased()) \(path)")
            }
        }
        return operations
    }

    @Test func theDocumentListsExactlyTheRoutes() throws {
        let documented = try Self.documented()
        #expect(documented.count >= 10, "the document was read")
        #expect(documented.subtracting(TrainyardRoutes.endpoints).isEmpty, "documented but not routed")
        #expect(TrainyardRoutes.endpoints.subtracting(documented).isEmpty, "routed but not documented")
    }

    @Test func everyRouteIsServed() async throws {
        // The dashboard's update stream ends at once here (`streamSeconds`), so its answer completes.
        try await RoutesTests.withApp(dashboard: DashboardSettings(refreshSeconds: 0.05, streamSeconds: 0.1)) {
            client, _, _ in
            for endpoint in TrainyardRoutes.endpoints.sorted() {
                let parts = endpoint.split(separator: " ")
                let path = String(parts[1])
                    .replacing("{forge}", with: "gitlab").replacing("{project}", with: "group%2Fapp")
                    .replacing("{iid}", with: "1").replacing("{target}", with: "main")
                    .replacing("{name}", with: "nightly").replacing("{file}", with: "mr-1%2F1-0.png")
                    .replacing("{action}", with: "deploy")
                let method = HTTPRequest.Method(String(parts[0]))!
                let response = try await client.execute(uri: path, method: method)
                let code = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                    .flatMap { ($0["error"] as? [String: Any])?["code"] as? String }
                #expect(code != "http_404" && !(method == .head && response.status == .notFound), "\(endpoint)")
            }
            let missing = try await client.execute(uri: "/api/v1/nothing", method: .get)
            #expect(missing.status == .notFound)
        }
    }
}

import Foundation
import Testing
import Yams

/// The machine-read files in `docs/` are what they claim to be: `openapi.yaml` is valid YAML
/// whose every `$ref` names a component that exists.
struct DocumentFilesTests {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs")

    /// Every `$ref` value anywhere in `node`.
    static func references(_ node: Any) -> [String] {
        switch node {
        case let map as [String: Any]:
            let own = (map["$ref"] as? String).map { [$0] } ?? []
            return own + map.values.flatMap(references)
        case let list as [Any]: return list.flatMap(references)
        default: return []
        }
    }

    @Test func theOpenAPIDocumentIsValidYAMLAndEveryReferenceResolves() throws {
        let text = try String(contentsOf: Self.docs.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let components = try #require(document["components"] as? [String: Any])
        let references = Self.references(document)
        #expect(references.count > 50)
        for reference in Set(references) {
            let parts = reference.split(separator: "/").map(String.init)
            #expect(parts.count == 4 && parts[0] == "#" && parts[1] == "components", "\(reference)")
            guard parts.count == 4 else { continue }
            let section = components[parts[2]] as? [String: Any]
            #expect(section?[parts[3]] != nil, "\(reference) names no component")
        }
    }
}

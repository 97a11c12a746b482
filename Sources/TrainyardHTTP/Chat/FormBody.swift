import Foundation

/// A body of `application/x-www-form-urlencoded` fields, as Slack and Mattermost send slash
/// commands: `name=value` pairs joined by `&`, `+` for a space, percent-encoded bytes.
struct FormBody: Sendable {
    let fields: [String: String]

    /// Reads `data`; a repeated name keeps its first value. Throws `invalid_form` for a body that
    /// is not UTF-8 or has a malformed percent escape.
    init(_ data: Data) throws(APIError) {
        guard let text = String(data: data, encoding: .utf8) else {
            throw APIError(.badRequest, "invalid_form", "The body is not UTF-8 form fields (`name=value&…`).")
        }
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0])
            let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
            if fields[name] == nil { fields[name] = value }
        }
        self.fields = fields
    }

    static func decode(_ text: Substring) throws(APIError) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        guard let decoded = spaced.removingPercentEncoding else {
            throw APIError(
                .badRequest, "invalid_form", "A form field has a malformed percent escape: `\(text.prefix(40))`.")
        }
        return decoded
    }

    subscript(_ name: String) -> String? { fields[name] }
}

import Foundation
import TrainyardCore
import TrainyardEngine

/// What every forge's webhook decoding shares: JSON parsing whose errors name the field that is
/// wrong, and commit ids checked as such.
enum WebhookDecoding {
    static func parse<T: Decodable>(_ type: T.Type, _ data: Data, _ kind: String) throws(IntakeError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw IntakeError(
                status: 400, code: "missing_field",
                message: "The \(kind) lacks the field `\(path(context.codingPath + [key]))`.")
        } catch let DecodingError.typeMismatch(_, context) {
            throw IntakeError(
                status: 400, code: "invalid_field",
                message: "The \(kind) has a field of the wrong type at `\(path(context.codingPath))`.")
        } catch let DecodingError.valueNotFound(_, context) {
            throw IntakeError(
                status: 400, code: "missing_field",
                message: "The \(kind) has null at `\(path(context.codingPath))`, where a value is required.")
        } catch {
            throw IntakeError(
                status: 400, code: "malformed_json", message: "The body of the \(kind) is not valid JSON.")
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    static func sha(_ text: String, _ field: String) throws(IntakeError) -> SHA {
        guard let sha = SHA(validating: text) else {
            throw IntakeError(
                status: 400, code: "invalid_field", message: "`\(field)` is not a commit id: \(text.prefix(80))")
        }
        return sha
    }
}

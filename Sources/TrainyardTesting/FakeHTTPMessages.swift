import Foundation
import HTTPTypes
import Hummingbird

/// An HTTP request to the fake, read off Hummingbird's request with its whole body.
struct FakeHTTPRequest: Sendable {
    let method: String
    /// The path as sent, still percent-encoded.
    let path: String
    let query: String?
    /// Header values by lowercased name.
    let headers: [String: String]
    let body: Data

    init(method: String, path: String, query: String?, headers: [String: String], body: Data) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    init(_ request: Request) async throws {
        var request = request
        let buffer = try await request.collectBody(upTo: 16 * 1024 * 1024)
        var headers: [String: String] = [:]
        for field in request.headers {
            headers[field.name.canonicalName] = field.value
        }
        self.init(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query,
            headers: headers,
            body: Data(buffer.readableBytesView)
        )
    }

    /// The path split at `/`, each part percent-decoded (so `group%2Fapp` is one part, `group/app`).
    var segments: [String] {
        path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
    }

    /// Parameters from the query string and from a JSON or form-encoded body, the body winning.
    var parameters: [String: String] {
        var parameters = Self.formDecoded(query ?? "")
        let contentType = headers["content-type"] ?? ""
        let text = String(decoding: body, as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if contentType.contains("json") || trimmed.hasPrefix("{") {
            if let object = try? JSONDecoder().decode([String: LooseValue].self, from: body) {
                for (key, value) in object {
                    if let text = value.text { parameters[key] = text }
                }
            }
        } else if !trimmed.isEmpty {
            parameters.merge(Self.formDecoded(text)) { _, new in new }
        }
        return parameters
    }

    /// The `variables` of a JSON body (`[{"key": …, "value": …}]`), as `POST /pipeline` takes them.
    var pipelineVariables: [String: String] {
        struct Body: Decodable {
            struct Variable: Decodable {
                let key: String
                let value: String
            }
            let variables: [Variable]?
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: body) else { return [:] }
        return Dictionary((body.variables ?? []).map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// Decodes `a=1&b=two+words` as browsers and Rack do.
    static func formDecoded(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            guard let key = parts.first.map(decode), !key.isEmpty else { continue }
            result[key] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }

    /// A JSON scalar read as the text a form parameter would carry; arrays and objects are dropped.
    private struct LooseValue: Decodable {
        let text: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                text = string
            } else if let bool = try? container.decode(Bool.self) {
                text = bool ? "true" : "false"
            } else if let int = try? container.decode(Int.self) {
                text = String(int)
            } else if let double = try? container.decode(Double.self) {
                text = String(double)
            } else {
                text = nil
            }
        }
    }
}

/// An HTTP response of the fake.
struct FakeHTTPResponse: Sendable {
    var status: Int
    var contentType = "application/json"
    var retryAfter: Int?
    var body: Data
    /// More headers, by name.
    var headers: [String: String] = [:]

    /// A JSON response.
    static func json(_ status: Int, _ value: JSON) -> FakeHTTPResponse {
        FakeHTTPResponse(status: status, body: value.data)
    }

    /// GitLab's usual error shape: `{"message": "..."}`.
    static func message(_ status: Int, _ message: String) -> FakeHTTPResponse {
        json(status, ["message": .string(message)])
    }

    /// A plain-text response.
    static func text(_ status: Int, _ text: String) -> FakeHTTPResponse {
        FakeHTTPResponse(status: status, contentType: "text/plain", body: Data(text.utf8))
    }

    /// The same response for Hummingbird.
    var hummingbirdResponse: Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        if let retryAfter {
            headers[.retryAfter] = String(retryAfter)
        }
        for (name, value) in self.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}

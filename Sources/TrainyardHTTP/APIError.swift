import Foundation
import Hummingbird

/// Every error answer: `{"error": {"code": "...", "message": "..."}}`. The message says what was
/// wrong and what to do about it.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    var response: Response { JSONBody.response(status, data: Data(Self.body(code: code, message: message))) }

    /// The JSON of an error answer.
    static func body(code: String, message: String) -> [UInt8] {
        let object = ["error": ["code": code, "message": message]]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
    }
}

/// Small helpers to answer with JSON.
enum JSONBody {
    static func response(_ status: HTTPResponse.Status, _ object: Any) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return response(status, data: data)
    }

    static func response(_ status: HTTPResponse.Status, data: Data) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns any error thrown by a route into the JSON error shape; unknown errors are our fault (500).
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch let error as HTTPError {
            let code = error.status == .contentTooLarge ? "body_too_large" : "http_\(error.status.code)"
            let message =
                error.status == .contentTooLarge
                ? "The request body is larger than Trainyard accepts for this endpoint."
                : (error.body ?? error.status.reasonPhrase)
            return APIError(error.status, code, message).response
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            return APIError(.internalServerError, "internal", "Trainyard failed to handle the request; see its log.")
                .response
        }
    }
}

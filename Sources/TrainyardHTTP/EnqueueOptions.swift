import Foundation
import Hummingbird

/// The optional JSON body of `POST …/enqueue`: `{"priority": 2, "skip_line": false, "interrupt": true}`.
struct EnqueueOptions: Decodable {
    var priority: Int = 0
    var skipLine: Bool = false
    /// Whether the change may cancel cars to go ahead of the changes they hold.
    var interrupt: Bool = true

    enum CodingKeys: String, CodingKey {
        case priority
        case skipLine = "skip_line"
        case interrupt
    }

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        priority = try container.decodeIfPresent(Int.self, forKey: .priority) ?? 0
        skipLine = try container.decodeIfPresent(Bool.self, forKey: .skipLine) ?? false
        interrupt = try container.decodeIfPresent(Bool.self, forKey: .interrupt) ?? true
    }

    /// Reads the body within `limit` bytes; an empty body means the defaults.
    static func read(_ request: Request, limit: Int) async throws -> EnqueueOptions {
        let body = try await APIBody.collect(request, limit: limit)
        guard !body.isEmpty else { return EnqueueOptions() }
        do {
            let options = try JSONDecoder().decode(EnqueueOptions.self, from: body)
            guard (-1000...1000).contains(options.priority) else {
                throw APIError(.badRequest, "invalid_body", "`priority` must be a whole number from -1000 to 1000.")
            }
            return options
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(
                .badRequest, "invalid_body",
                "The body must be empty or a JSON object such as "
                    + "{\"priority\": 2, \"skip_line\": false, \"interrupt\": true}.")
        }
    }
}

/// Reading API request bodies within a cap.
enum APIBody {
    static func collect(_ request: Request, limit: Int) async throws -> Data {
        do {
            return Data(buffer: try await request.body.collect(upTo: limit))
        } catch {
            throw APIError(
                .contentTooLarge, "body_too_large", "The request body is larger than \(limit) bytes; send less.")
        }
    }
}

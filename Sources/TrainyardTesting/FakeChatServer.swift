import Foundation
import Hummingbird
import Logging

/// A stand-in for the `response_url` of Slack and Mattermost slash commands: an HTTP server on
/// 127.0.0.1 that records every JSON body posted to it and answers 200 (or ``answer``).
public actor FakeChatServer {
    /// One later answer as received.
    public struct Post: Sendable, Hashable {
        public let path: String
        public let responseType: String?
        public let text: String

        public init(path: String, responseType: String?, text: String) {
            self.path = path
            self.responseType = responseType
            self.text = text
        }
    }

    public private(set) var posts: [Post] = []
    /// The status every post gets (set 404 to play an expired `response_url`).
    public var answer = 200
    private var server: GracefulRunner?
    public private(set) var port = 0

    public init() {}

    public func setAnswer(_ status: Int) { answer = status }

    /// The address of `path` on this server, to send as `response_url`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Starts the server at a free port and returns once it listens.
    public func start() async throws {
        let router = Router()
        router.post("/**") { [self] request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let json = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
            let status = await self.record(
                Post(
                    path: request.uri.path, responseType: json["response_type"] as? String,
                    text: json["text"] as? String ?? ""))
            return Response(status: .init(code: status))
        }
        let (server, port) = await GracefulRunner.serve(router, label: "FakeChatServer")
        self.server = server
        self.port = port
    }

    private func record(_ post: Post) -> Int {
        posts.append(post)
        return answer
    }

    public func stop() async {
        await server?.stop()
        server = nil
    }
}

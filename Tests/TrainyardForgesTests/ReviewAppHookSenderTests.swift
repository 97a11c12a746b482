import Foundation
import Hummingbird
import Synchronization
import Testing
import TrainyardEngine
import TrainyardTesting

@testable import TrainyardForges

/// The signed POST to a team's own deploy endpoint, over real HTTP on loopback: the signature
/// covers the timestamp and the body, the answer's `url` is read, and a refusal carries its status.
struct ReviewAppHookSenderTests {
    /// What the endpoint received.
    final class Seen: Sendable {
        let requests = Mutex<[(HTTPFields, Data)]>([])
    }

    /// A deploy endpoint that records what it got and answers `status` with `body`.
    static func endpoint(status: HTTPResponse.Status, body: String) async throws
        -> (url: String, seen: Seen, runner: GracefulRunner)
    {
        let seen = Seen()
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let data = Data(buffer: try await request.body.collect(upTo: 1 << 20))
            seen.requests.withLock { $0.append((request.headers, data)) }
            return Response(status: status, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        let (runner, port) = await GracefulRunner.serve(router, label: "hook")
        return ("http://127.0.0.1:\(port)/hook", seen, runner)
    }

    static let request = ReviewAppHookRequest(
        action: "deploy", project: "group/app", mergeRequest: 12, sourceBranch: "feature", head: "abc", slug: "mr-12",
        environment: "review/mr-12", url: nil, attempt: 3)

    @Test func theRequestIsSignedOverTimestampAndBody() async throws {
        let (url, seen, runner) = try await Self.endpoint(status: .ok, body: #"{"url":"https://mr-12.example.com"}"#)
        let answered = try await ReviewAppHookSender(timeout: 10).send(
            Self.request, to: url, secret: "sixteen-chars-ok!")
        await runner.stop()
        #expect(answered == "https://mr-12.example.com")
        let (headers, body) = try #require(seen.requests.withLock { $0.first })
        let timestamp = try #require(headers[.init("X-Trainyard-Timestamp")!].flatMap { Int($0) })
        #expect(
            headers[.init("X-Trainyard-Signature")!]
                == ReviewAppHookSender.signature(body: body, timestamp: timestamp, secret: "sixteen-chars-ok!"))
        let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(json["merge_request"] as? Int == 12 && json["environment"] as? String == "review/mr-12")
        #expect(json["source_branch"] as? String == "feature" && json["action"] as? String == "deploy")
    }

    @Test func aRefusalCarriesTheStatusAndWhatWasSaid() async throws {
        let (url, _, runner) = try await Self.endpoint(status: .serviceUnavailable, body: "cluster is full")
        await #expect {
            try await ReviewAppHookSender(timeout: 10).send(Self.request, to: url, secret: "sixteen-chars-ok!")
        } throws: { error in
            "\(error)".contains("status 503: cluster is full")
        }
        await runner.stop()
    }
}

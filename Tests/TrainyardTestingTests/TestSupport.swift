import Foundation
import Hummingbird
import Logging
import Testing
@testable import TrainyardTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One webhook request received by a ``HookReceiver``.
struct ReceivedHook: Sendable {
    /// Header values by lowercased name.
    let headers: [String: String]
    let body: Data

    var event: String { headers["x-gitlab-event"] ?? "" }

    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
    }
}

/// The requests a ``HookReceiver`` got, in arrival order.
actor HookLog {
    private(set) var hooks: [ReceivedHook] = []

    func append(_ hook: ReceivedHook) {
        hooks.append(hook)
    }

    func hooks(event: String) -> [ReceivedHook] {
        hooks.filter { $0.event == event }
    }

    /// `object_attributes.action` (merge request hooks) or `.status` (pipeline hooks) of each hook of `event`.
    func actions(event: String) -> [String] {
        hooks(event: event).compactMap { hook in
            let attributes = (try? hook.json())?["object_attributes"] as? [String: Any]
            return (attributes?["action"] ?? attributes?["status"]) as? String
        }
    }
}

/// A tiny webhook receiver on loopback that answers 200 to everything.
struct HookReceiver: Sendable {
    let url: URL
    let log: HookLog
    private let server: GracefulRunner

    static func start() async throws -> HookReceiver {
        let log = HookLog()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let received = try await FakeHTTPRequest(request)
            await log.append(ReceivedHook(headers: received.headers, body: received.body))
            return Response(status: .ok)
        }
        var logger = Logger(label: "HookReceiver")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        let server = GracefulRunner(app, logger: logger)
        Task {
            _ = try? await server.value(); continuation.finish()
        }
        var port = 0
        for await value in ports { port = value }
        return HookReceiver(url: URL(string: "http://127.0.0.1:\(port)/hooks/gitlab")!, log: log, server: server)
    }

    func stop() async {
        await server.stop()
    }
}

/// A started fake with a started receiver, torn down afterwards.
struct TestEnvironment: Sendable {
    static let project = "group/app"
    static let hookToken = "hook-secret"

    let gitlab: FakeGitLab
    let receiver: HookReceiver
    let root: URL

    /// Runs `body` with a fake that hosts `group/app` (README.md on `main`) whose webhook goes to the receiver.
    static func run(_ body: (TestEnvironment) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fakegitlab-\(UUID().uuidString)")
        let gitlab = FakeGitLab(root: root)
        let receiver = try await HookReceiver.start()
        let environment = TestEnvironment(gitlab: gitlab, receiver: receiver, root: root)
        do {
            try await gitlab.start()
            try await gitlab.createProject(path: project, files: ["README.md": "hello\n"])
            await gitlab.addWebhook(project: project, url: receiver.url, token: hookToken)
            try await body(environment)
        } catch {
            await environment.tearDown()
            throw error
        }
        await environment.tearDown()
    }

    private func tearDown() async {
        await gitlab.stop()
        await receiver.stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// Runs git in `directory` without blocking the cooperative thread pool.
    @discardableResult
    func git(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) async throws -> String {
        let command = GitCommand(
            directory: directory, home: root.appendingPathComponent("home"), scratch: root.appendingPathComponent("tmp")
        )
        return try await command.run(arguments, environment: environment).text
    }

    /// A clone of the project, as the service under test would make it.
    func clone(named name: String) async throws -> URL {
        let project = try #require(await gitlab.project(Self.project))
        let directory = root.appendingPathComponent("clones/\(name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try await git(["clone", "--quiet", project.gitURL.absoluteString, "."], in: directory)
        return directory
    }

    /// Writes files into a clone and commits them.
    @discardableResult
    func commit(in clone: URL, files: [String: String], message: String) async throws -> String {
        for (path, contents) in files {
            let url = clone.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        try await git(["add", "--all"], in: clone)
        try await git(["commit", "--quiet", "-m", message], in: clone)
        return try await git(["rev-parse", "HEAD"], in: clone)
    }

    /// Calls the fake's REST API with URLSession.
    func api(
        _ method: String,
        _ path: String,
        token: String? = "fake-api-token",
        headers: [String: String] = [:],
        body: String? = nil,
        contentType: String = "application/json"
    ) async throws -> APIResponse {
        var request = URLRequest(url: URL(string: gitlab.baseURL.absoluteString + "/api/v4" + path)!)
        request.httpMethod = method
        if let token { request.setValue(token, forHTTPHeaderField: "PRIVATE-TOKEN") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.uncancellableData(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return APIResponse(status: http.statusCode, headers: fields, body: data)
    }
}

/// What the API answered.
struct APIResponse: Sendable {
    let status: Int
    let headers: [String: String]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
    }

    func array() throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: body) as? [[String: Any]])
    }
}

import Foundation
import Testing
import TrainyardTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The real binary fed webhook bodies near the 5 MiB cap that are expensive to parse: ignored
/// kinds made of many tiny objects, deep nesting, broken UTF-8, hooks missing their fields. Each
/// gets its proper answer, and the server's resident memory stays under a ceiling while they
/// arrive and settles afterwards (`scripts/fuzz-intake` is the larger, randomized version).
///
/// `TRAINYARD_FUZZ_COUNT` (default 40) and `TRAINYARD_FUZZ_MAX_RSS_MIB` (default 512) change the
/// battery.
struct IntakeMemoryTests {
    static let secret = "memory-test-webhook-secret"

    /// A body of about `size` bytes and the status it must get.
    static func body(_ category: Int, size: Int) -> (event: String, body: Data, status: Int) {
        let tiny = #"{"a":1},"#
        let many = String(repeating: tiny, count: size / tiny.utf8.count - 1)
        switch category % 5 {
        case 0: return ("Emoji Hook", Data(("[" + many + #"{"a":1}]"#).utf8), 202)
        case 1: return ("Emoji Hook", Data(("[" + many).utf8), 400)
        case 2: return ("Merge Request Hook", Data((#"{"pad":["# + many + "1]}").utf8), 400)
        case 3: return ("Note Hook", Data(String(repeating: "[", count: size).utf8), 400)
        default:
            var bytes = Array(#"{"object_kind":"push","x":""#.utf8)
            bytes += [UInt8](repeating: 0xC0, count: size)
            bytes += Array(#""}"#.utf8)
            return ("Deployment Hook", Data(bytes), 400)
        }
    }

    static func residentMiB(_ pid: pid_t) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kib / 1024
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status")))
    func expensiveBodiesGetTheirAnswersAndMemoryStaysBounded() async throws {
        let count = CrashTests.setting("TRAINYARD_FUZZ_COUNT", 40)
        let ceiling = Double(CrashTests.setting("TRAINYARD_FUZZ_MAX_RSS_MIB", 512))
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-memory-\(UUID())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let port = FreePort.pick()
        let config = root.appendingPathComponent("trainyard.yml").path
        try """
        listen: 127.0.0.1:\(port)
        storage: sqlite:\(root.path)/trainyard.db
        forges:
          gitlab:
            kind: gitlab
            url: http://127.0.0.1:9
            token: unused
            webhook_secret: \(Self.secret)
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let process = TrainyardProcess.start(config: config, log: root.appendingPathComponent("trainyard.log").path)
        try await ForgeAudit.waitUntilServing(port)
        let pid = try #require(process.pid)
        let start = try #require(Self.residentMiB(pid))
        let size = 5 * 1024 * 1024 - 64
        let url = URL(string: "http://127.0.0.1:\(port)/webhooks/gitlab")!
        var highest = start
        var wrong: [String] = []
        for first in stride(from: 0, to: count, by: 4) {
            let answers = try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
                for index in first..<min(first + 4, count) {
                    group.addTask {
                        let (event, body, status) = Self.body(index, size: size)
                        var request = URLRequest(url: url, timeoutInterval: 120)
                        request.httpMethod = "POST"
                        request.httpBody = body
                        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                        request.setValue(event, forHTTPHeaderField: "X-Gitlab-Event")
                        request.setValue(Self.secret, forHTTPHeaderField: "X-Gitlab-Token")
                        request.setValue(UUID().uuidString, forHTTPHeaderField: "X-Gitlab-Event-UUID")
                        let (_, response) = try await URLSession.shared.uncancellableData(for: request)
                        return (index, status, (response as? HTTPURLResponse)?.statusCode ?? 0)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for (index, expected, got) in answers where got != expected {
                wrong.append("body \(index) (category \(index % 5)): \(got), expected \(expected)")
            }
            highest = max(highest, Self.residentMiB(pid) ?? 0)
        }
        try await Task.sleep(for: .seconds(1))
        let end = try #require(Self.residentMiB(pid))
        print(
            "intake memory: \(count) bodies of 5 MiB, resident \(Int(start)) MiB at start, "
                + "\(Int(highest)) MiB at most, \(Int(end)) MiB at the end")
        #expect(wrong.isEmpty, "\(wrong)")
        #expect(highest < ceiling, "resident memory reached \(Int(highest)) MiB")
        #expect(end < start + 160, "resident memory stayed at \(Int(end)) MiB after the bodies")
        #expect(await process.terminate(within: .seconds(30)))
    }
}

import Foundation
import Synchronization
import Testing
import TrainyardTesting

@testable import trainyard

/// The service's log as `log_format: json` writes it, captured while a merge request lands and
/// bad requests are refused: every line is one JSON object, lines about a delivery carry its id,
/// project, target and merge request, refusals carry the request id, and no configured secret
/// appears anywhere.
struct LogsEndToEndTests {
    @Test func linesAreJSONWithTheirContextAndNoSecret() async throws {
        let lines = Mutex<[String]>([])
        let harness = try await ServiceHarness.start(logSink: { line in lines.withLock { $0.append(line) } })
        let gitlabToken = await harness.gitlab.token
        try await harness.running { harness in
            let iid = try await harness.openMergeRequest("logged", ["logged.txt": "1\n"])
            _ = await harness.gitlab.comment(project: ServiceHarness.project, iid: iid, body: "@trainyard merge")
            try await harness.waitFor(iid, state: "merged")
            let near = ServiceHarness.webhookSecret + "x"
            let refused = try await harness.request(
                "POST", "webhooks/gitlab", headers: ["X-Gitlab-Token": near, "X-Gitlab-Event": "Push Hook"],
                body: Data("{}".utf8))
            #expect(refused.status == 401)
            let (unauthorized, _) = try await harness.request(
                "GET", "api/v1/trains", headers: ["Authorization": "Bearer \(ServiceHarness.apiToken)x"])
            #expect(unauthorized == 401)
            try await Task.sleep(for: .milliseconds(500))
        }
        let captured = lines.withLock { $0 }
        #expect(captured.count > 20)
        var objects: [[String: Any]] = []
        for line in captured {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not one JSON object: \(line.prefix(200))")
            if let object { objects.append(object) }
            for secret in [ServiceHarness.webhookSecret, ServiceHarness.apiToken, gitlabToken] {
                #expect(!line.contains(secret), "a secret in the log: \(line.prefix(300))")
            }
        }
        #expect(objects.allSatisfy { $0["time"] is String && $0["level"] is String && $0["message"] is String })
        let aboutTheChange = objects.filter {
            ($0["delivery"] as? String)?.hasPrefix("gitlab:") == true && $0["project"] as? String == "group/app"
                && $0["target"] as? String == "main"
        }
        #expect(!aboutTheChange.isEmpty, "engine lines carry the delivery, project and target")
        #expect(objects.contains { $0["change"] as? String != nil && $0["project"] as? String == "group/app" })
        let refusal = objects.first { $0["message"] as? String == "webhook refused" }
        #expect(refusal?["hb.request.id"] is String, "HTTP lines carry the request id")
        #expect(refusal?["code"] as? String == "invalid_token")
    }
}

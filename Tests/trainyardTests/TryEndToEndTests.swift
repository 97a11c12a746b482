import Foundation
import Testing
import TrainyardTesting

/// `try` against the running service: the merge request is tested alone on the target and the
/// result posted on it; nothing lands and the train's queue is untouched.
struct TryEndToEndTests {
    @Test(arguments: [("good.txt", "passed: pipeline #"), ("FAIL", "failed: pipeline #")])
    func aTryIsTestedAloneAndNeverLands(file: String, result: String) async throws {
        let harness = try await ServiceHarness.start()
        try await harness.running { harness in
            let before = await harness.targetCommits(since: "")
            let iid = try await harness.openMergeRequest("tried", [file: "1\n"])
            await harness.gitlab.comment(project: ServiceHarness.project, iid: iid, body: "@trainyard try")
            try await harness.waitForNote(iid, containing: "asked to try !\(iid): car 1 tests it merged on top of")
            try await harness.waitForNote(iid, containing: "Try of !\(iid) merged on top of `main` at ")
            let notes = await harness.mergeRequest(iid)?.notes ?? []
            #expect(notes.contains { $0.contains(result) && $0.contains("It was not landed.") })
            #expect(await harness.mergeRequest(iid)?.state == "opened")
            #expect(await harness.targetCommits(since: "") == before, "nothing landed")
            let (_, trains) = try await harness.request(
                "GET", "api/v1/trains", headers: ["Authorization": "Bearer \(ServiceHarness.apiToken)"])
            let queue = (trains["trains"] as? [[String: Any]])?.first?["queue"] as? [Any] ?? []
            #expect(queue.isEmpty)
        }
    }
}

import Foundation
import Testing
import TrainyardTesting

/// `retry` against the running service: a merge request removed because its car failed (a flake)
/// is queued again by `@trainyard retry` and lands; `retry` on one that never failed says so.
struct RetryEndToEndTests {
    /// Counts car pipelines, so that only the first one fails.
    final class FirstCarFails: @unchecked Sendable {
        private let lock = NSLock()
        private var cars = 0
        func outcome(_ job: FakeCIJob) -> FakePipelineOutcome? {
            guard job.ref.hasPrefix("trainyard/") else { return .success }
            lock.lock()
            defer { lock.unlock() }
            cars += 1
            return cars == 1 ? .failed : .success
        }
    }

    @Test func aChangeRemovedForAFlakeIsQueuedAgainAndLands() async throws {
        let flaky = FirstCarFails()
        let harness = try await ServiceHarness.start(planner: .serial, policy: { flaky.outcome($0) })
        try await harness.running { harness in
            let iid = try await harness.openMergeRequest("flaky", ["flaky.txt": "1\n"])
            await harness.gitlab.comment(project: ServiceHarness.project, iid: iid, body: "@trainyard retry")
            try await harness.waitForNote(iid, containing: "!\(iid) has no failed car to run again")

            await harness.gitlab.comment(project: ServiceHarness.project, iid: iid, body: "@trainyard merge")
            try await harness.waitForNote(iid, containing: "Removed from the merge train")
            await harness.gitlab.comment(project: ServiceHarness.project, iid: iid, body: "@trainyard retry")
            try await harness.waitForNote(
                iid, containing: "it was removed because its car failed, so it is queued again")
            try await harness.waitFor(iid, state: "merged")

            @Sendable func kinds() async throws -> [String] {
                let (_, page) = try await harness.request(
                    "GET", "api/v1/projects/group%2Fapp/events?change=\(iid)",
                    headers: ["Authorization": "Bearer \(ServiceHarness.apiToken)"])
                return (page["events"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            }
            try await waitUntil { try await kinds().first == "landed" }
            let told = try await kinds()
            #expect(told.filter { $0 == "queued" }.count == 2 && told.contains("blamed"))
        }
    }
}

import Foundation
import Testing
import TrainyardTesting

/// `merge` on a merge request that is not ready: refused with what it lacks, and queued once it
/// has it, through the running service and the fake GitLab.
struct ReadinessEndToEndTests {
    @Test func aMergeRequestWithoutItsApprovalIsRefusedThenLandsOnceApproved() async throws {
        try await ServiceHarness.run { harness in
            let gitlab = harness.gitlab
            let project = ServiceHarness.project
            let iid = try await harness.openMergeRequest("needs-review", ["r.txt": "r\n"])
            await gitlab.setReadiness(
                project: project, iid: iid, FakeReadiness(approvalsRequired: 1, unresolvedDiscussions: true))
            _ = await gitlab.comment(project: project, iid: iid, body: "/merge")
            try await harness.waitForNote(
                iid, containing: "is not ready to merge: it needs 1 more approval and its blocking discussions resolved"
            )
            #expect(await harness.mergeRequest(iid)?.state == "opened")

            await gitlab.approveMergeRequest(project: project, iid: iid, author: "bob")
            await gitlab.setReadiness(project: project, iid: iid, FakeReadiness(approvalsRequired: 1))
            _ = await gitlab.comment(project: project, iid: iid, body: "/merge")
            try await harness.waitFor(iid, state: "merged")
            let notes = await harness.mergeRequest(iid)?.notes ?? []
            #expect(notes.filter { $0.contains("is not ready to merge") }.count == 1)
        }
    }
}

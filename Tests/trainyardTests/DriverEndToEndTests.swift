import Foundation
import Testing
import TrainyardTesting

/// Trains are driven independently: a project whose forge API hangs holds up only its own trains.
@Suite(.serialized)
struct DriverEndToEndTests {
    static let slowProject = "group/slow"

    @Test func aProjectWhoseAPIHangsDoesNotDelayAnother() async throws {
        try await ServiceHarness.start(otherProjects: [Self.slowProject]).running { harness in
            let gitlab = harness.gitlab
            let slow = try await gitlab.createMergeRequest(
                project: Self.slowProject, sourceBranch: "stuck", title: "Stuck", files: ["stuck.txt": "s\n"])
            let fast = try await harness.openMergeRequest("fast", ["fast.txt": "f\n"])
            await gitlab.holdAPI(project: Self.slowProject, for: .seconds(30))
            let heldAt = ContinuousClock.now
            await gitlab.comment(project: Self.slowProject, iid: slow, body: "/merge")
            // The slow project's driver is now waiting on its held API.
            try await waitUntil(timeout: .seconds(20)) { await gitlab.apiRequests(project: Self.slowProject) > 0 }
            await gitlab.comment(project: ServiceHarness.project, iid: fast, body: "/merge")
            try await harness.waitFor(fast, state: "merged", timeout: .seconds(60))
            let landedAfter = ContinuousClock.now - heldAt
            let slowState = await gitlab.mergeRequest(project: Self.slowProject, iid: slow)?.state
            // Measured, not asserted against a time: the other project landed while this one was held.
            #expect(slowState == "opened", "the held project's merge request is still waiting on its API")
            print("driver isolation: landed !\(fast) \(landedAfter) into a 30 s hold of \(Self.slowProject)")
            // When the hold ends, the held project's merge request goes on and lands too.
            try await waitUntil(timeout: .seconds(120)) {
                await gitlab.mergeRequest(project: Self.slowProject, iid: slow)?.state == "merged"
            }
            #expect(ContinuousClock.now - heldAt >= .seconds(30))
        }
    }
}

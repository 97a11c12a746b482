import Foundation
import Testing
import TrainyardCore
import TrainyardTesting

/// `adaptive`'s probes over real HTTP, real git and the fake GitLab: a merge request queued behind
/// another is also tested alone on `main`, on a branch of its own that is deleted once it answered.
@Suite(.serialized) struct ProbeEndToEndTests {
    /// With `batch_size: 1` the train speculates change by change, so the broken merge request
    /// queued second gets a probe beside its car. The probe's tree is `main` plus that merge
    /// request alone; its failure removes nobody by itself, and the broken merge request is
    /// removed only when its own car fails.
    @Test func aProbeTestsTheMergeRequestAloneOnItsOwnBranch() async throws {
        try await ServiceHarness.run(plannerSettings: PlannerSettings(batchSize: 1), policy: { _ in nil }) { harness in
            let gitlab = harness.gitlab
            let project = ServiceHarness.project
            let good = try await harness.openMergeRequest("good", ["a.txt": "a\n"])
            let broken = try await harness.openMergeRequest("broken", ["FAIL": "this breaks the build\n"])
            await gitlab.comment(project: project, iid: good, body: "/merge")
            try await harness.waitForNote(good, containing: "Added !\(good)")
            await gitlab.comment(project: project, iid: broken, body: "/merge")
            try await waitUntil {
                await gitlab.pipelines(project: project).filter { $0.source == "api" }.count == 3
            }
            var probe: FakePipeline?
            for pipeline in await gitlab.pipelines(project: project) where pipeline.source == "api" {
                let fails = await gitlab.fileContents(project: project, sha: pipeline.sha, path: "FAIL") != nil
                let withGood = await gitlab.fileContents(project: project, sha: pipeline.sha, path: "a.txt") != nil
                if fails && !withGood { probe = pipeline }
            }
            let found = try #require(probe, "a pipeline of main plus !\(broken) alone")
            #expect(found.ref.hasPrefix("trainyard/main/"))

            await gitlab.finishPipeline(project: project, id: found.id, status: "failed")
            try await waitUntil { await gitlab.branchHead(project: project, branch: found.ref) == nil }
            #expect(await harness.mergeRequest(broken)?.notes.contains { $0.contains("Removed") } == false)

            for pipeline in await gitlab.pipelines(project: project)
            where pipeline.source == "api" && pipeline.status == "running" {
                let hasFail = await gitlab.fileContents(project: project, sha: pipeline.sha, path: "FAIL") != nil
                await gitlab.finishPipeline(project: project, id: pipeline.id, status: hasFail ? "failed" : "success")
            }
            try await harness.waitFor(good, state: "merged")
            try await harness.waitForNote(broken, containing: "Removed from the merge train")
            let head = try #require(await gitlab.branchHead(project: project, branch: "main"))
            #expect(await gitlab.fileContents(project: project, sha: head, path: "FAIL") == nil)
        }
    }
}

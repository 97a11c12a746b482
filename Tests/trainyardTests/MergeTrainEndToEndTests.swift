import Foundation
import Testing
import TrainyardTesting

/// Merge requests travelling the whole way: GitLab webhook → Trainyard → git → pipelines →
/// landing, over real HTTP, real git repositories and a real SQLite file.
@Suite(.serialized)
struct MergeTrainEndToEndTests {
    @Test func threeMergeRequestsLandInOrderAsTheTestedCommits() async throws {
        try await ServiceHarness.run { harness in
            let base = try #require(await harness.gitlab.branchHead(project: ServiceHarness.project, branch: "main"))
            var iids: [Int] = []
            for name in ["one", "two", "three"] {
                iids.append(try await harness.openMergeRequest(name, ["\(name).txt": "\(name)\n"]))
            }
            for iid in iids { await harness.gitlab.comment(project: ServiceHarness.project, iid: iid, body: "/merge") }
            for iid in iids {
                try await harness.waitFor(iid, state: "merged")
                try await harness.waitForNote(iid, containing: "Merged !\(iid) into `main`")
            }
            let gitlab = harness.gitlab
            let queued = iids
            try await waitUntil {
                for iid in queued {
                    guard let sha = await gitlab.mergeRequest(project: ServiceHarness.project, iid: iid)?.sha,
                        await gitlab.statuses(project: ServiceHarness.project, sha: sha).last?.state == "success"
                    else { return false }
                }
                return true
            }

            let landed = await harness.targetCommits(since: base)
            #expect(landed.count == 3, "one merge commit per merge request on the first-parent line")
            let landings = await harness.targetPushes()
            #expect(!landings.isEmpty && landings.last == landed.first)
            for commit in landings {
                #expect(
                    await harness.passedPipeline(for: commit),
                    "the target moved to \(commit) without a passing pipeline")
            }
            for (index, iid) in iids.enumerated() {
                let request = try #require(await harness.mergeRequest(iid))
                #expect(
                    request.notes.contains {
                        $0.contains("Added !\(iid) to the merge train of `main` at position \(index + 1)")
                    })
                #expect(request.notes.contains { $0.contains("Merged !\(iid) into `main`") })
                let states = await harness.gitlab.statuses(project: ServiceHarness.project, sha: request.sha).filter {
                    $0.name == "trainyard"
                }.map(\.state)
                #expect(states.first == "pending" && states.last == "success")
            }
            let contents = await harness.gitlab.fileContents(
                project: ServiceHarness.project, sha: landed[0], path: "three.txt")
            #expect(contents == "three\n")
            let pushPipelines = await harness.gitlab.pipelines(project: ServiceHarness.project).filter {
                $0.source == "push" && $0.ref.hasPrefix("trainyard/")
            }
            #expect(pushPipelines.isEmpty, "car branches are pushed with ci.skip")
            try await waitUntil {
                for car in 1...3
                where await gitlab.branchHead(project: ServiceHarness.project, branch: "trainyard/main/\(car)") != nil {
                    return false
                }
                return true
            }
        }
    }

    @Test func failingMiddleMergeRequestIsRemovedAndTheOthersLand() async throws {
        try await ServiceHarness.run { harness in
            let first = try await harness.openMergeRequest("good-1", ["a.txt": "a\n"])
            let broken = try await harness.openMergeRequest("broken", ["FAIL": "this breaks the build\n"])
            let last = try await harness.openMergeRequest("good-2", ["b.txt": "b\n"])
            for iid in [first, broken, last] {
                await harness.gitlab.comment(project: ServiceHarness.project, iid: iid, body: "/merge")
            }
            try await harness.waitFor(first, state: "merged")
            try await harness.waitFor(last, state: "merged")
            try await harness.waitForNote(broken, containing: "Removed from the merge train")
            let request = try #require(await harness.mergeRequest(broken))
            #expect(request.state == "opened")
            let note = try #require(request.notes.first { $0.contains("Removed from the merge train") })
            // Either !first was still in the failed car (and passed ahead of it), or it had landed already.
            // `adaptive` (the default) may run the failed car once more before blaming.
            #expect(note.contains("failed in car") || note.contains("before it in car"))
            #expect(note.contains("!\(first) ahead of it") || note.contains("!\(broken) alone"))
            let head = try #require(await harness.gitlab.branchHead(project: ServiceHarness.project, branch: "main"))
            #expect(await harness.gitlab.fileContents(project: ServiceHarness.project, sha: head, path: "FAIL") == nil)
            let states = await harness.gitlab.statuses(project: ServiceHarness.project, sha: request.sha).map(\.state)
            #expect(states.last == "failed")
        }
    }

    @Test func pushToAMergeRequestOnTheTrainRemovesItAndNeverLandsTheOldHead() async throws {
        // A prefix train gives each merge request its own car (`adaptive` would batch the two).
        try await ServiceHarness.run(planner: .prefix, policy: { _ in nil }) { harness in
            let updated = try await harness.openMergeRequest("moving", ["m.txt": "v1\n"])
            let other = try await harness.openMergeRequest("steady", ["s.txt": "s\n"])
            let oldHead = try #require(await harness.mergeRequest(updated)?.sha)
            for iid in [updated, other] {
                await harness.gitlab.comment(project: ServiceHarness.project, iid: iid, body: "/merge")
            }
            let gitlab = harness.gitlab
            try await waitUntil {
                await gitlab.pipelines(project: ServiceHarness.project).filter { $0.source == "api" }.count == 2
            }
            try await harness.gitlab.push(
                project: ServiceHarness.project, branch: "moving", files: ["m.txt": "v2\n"], message: "v2")
            try await harness.waitForNote(updated, containing: "New commits were pushed")
            try await waitUntil {
                let pipelines = await gitlab.pipelines(project: ServiceHarness.project)
                return pipelines.filter { $0.source == "api" && $0.status == "running" }.count == 1
                    && pipelines.filter { $0.status == "canceled" }.count == 2
            }
            let running = try #require(
                await gitlab.pipelines(project: ServiceHarness.project).first {
                    $0.source == "api" && $0.status == "running"
                })
            await gitlab.finishPipeline(project: ServiceHarness.project, id: running.id, status: "success")
            try await harness.waitFor(other, state: "merged")
            #expect(await harness.mergeRequest(updated)?.state == "opened")
            let head = try #require(await gitlab.branchHead(project: ServiceHarness.project, branch: "main"))
            let line = await gitlab.firstParents(project: ServiceHarness.project, branch: "main")
            #expect(!line.contains(oldHead))
            #expect(await gitlab.fileContents(project: ServiceHarness.project, sha: head, path: "m.txt") == nil)
        }
    }

    @Test func targetMovedByAPersonRebuildsTheCarOnTheNewHead() async throws {
        try await ServiceHarness.run(policy: { _ in nil }) { harness in
            let iid = try await harness.openMergeRequest("feature", ["f.txt": "f\n"])
            await harness.gitlab.comment(project: ServiceHarness.project, iid: iid, body: "/merge")
            let gitlab = harness.gitlab
            try await waitUntil {
                await gitlab.pipelines(project: ServiceHarness.project).filter { $0.source == "api" }.count == 1
            }
            let hotfix = try await gitlab.push(
                project: ServiceHarness.project, branch: "main", files: ["hotfix.txt": "fix\n"], message: "hotfix")
            try await waitUntil {
                let pipelines = await gitlab.pipelines(project: ServiceHarness.project)
                return pipelines.filter { $0.source == "api" && $0.status == "running" }.count == 1
                    && pipelines.filter { $0.source == "api" }.count == 2
            }
            let rebuilt = try #require(
                await gitlab.pipelines(project: ServiceHarness.project).last { $0.source == "api" })
            #expect(await gitlab.firstParents(project: ServiceHarness.project, branch: rebuilt.ref).contains(hotfix))
            await gitlab.finishPipeline(project: ServiceHarness.project, id: rebuilt.id, status: "success")
            try await harness.waitFor(iid, state: "merged")
            let head = try #require(await gitlab.branchHead(project: ServiceHarness.project, branch: "main"))
            #expect(head == rebuilt.sha, "the target is exactly the tested commit")
            #expect(await gitlab.firstParents(project: ServiceHarness.project, branch: "main").contains(hotfix))
        }
    }

    @Test func conflictingMergeRequestIsRemovedWithTheConflictingPaths() async throws {
        try await ServiceHarness.run { harness in
            let first = try await harness.openMergeRequest("edit-a", ["README.md": "version A\n"])
            let second = try await harness.openMergeRequest("edit-b", ["README.md": "version B\n"])
            for iid in [first, second] {
                await harness.gitlab.comment(project: ServiceHarness.project, iid: iid, body: "/merge")
            }
            try await harness.waitFor(first, state: "merged")
            try await harness.waitForNote(second, containing: "conflicts with `main`")
            let note = try #require(await harness.mergeRequest(second)?.notes.first { $0.contains("conflicts") })
            #expect(note.contains("`README.md`"))
            #expect(await harness.mergeRequest(second)?.state == "opened")
        }
    }

    @Test func commandsNeedTheDeveloperRoleAndAReadyMergeRequest() async throws {
        try await ServiceHarness.run { harness in
            await harness.gitlab.setAccessLevel(username: "rita", level: 20)
            let iid = try await harness.openMergeRequest("guarded", ["g.txt": "g\n"])
            await harness.gitlab.comment(
                project: ServiceHarness.project, iid: iid, body: "@trainyard merge", author: "rita")
            try await harness.waitForNote(iid, containing: "@rita cannot give Trainyard commands")
            await harness.gitlab.setDraft(project: ServiceHarness.project, iid: iid)
            await harness.gitlab.comment(project: ServiceHarness.project, iid: iid, body: "@trainyard merge")
            try await harness.waitForNote(iid, containing: "is a draft")
            await harness.gitlab.setDraft(project: ServiceHarness.project, iid: iid, false)
            await harness.gitlab.comment(project: ServiceHarness.project, iid: iid, body: "@trainyard merge")
            try await harness.waitFor(iid, state: "merged")
        }
    }

    @Test func restartedServiceResumesTheTrainFromItsDatabase() async throws {
        // Two cars in flight across the restart: a prefix train (`adaptive` would batch the two).
        try await ServiceHarness.run(planner: .prefix, policy: { _ in nil }) { first in
            let gitlab = first.gitlab
            let one = try await first.openMergeRequest("r1", ["r1.txt": "1\n"])
            let two = try await first.openMergeRequest("r2", ["r2.txt": "2\n"])
            for iid in [one, two] {
                await gitlab.comment(project: ServiceHarness.project, iid: iid, body: "@trainyard merge")
            }
            try await waitUntil {
                await gitlab.pipelines(project: ServiceHarness.project).filter { $0.source == "api" }.count == 2
            }
            try await first.restarted().running { harness in
                // An action the old process executed but could not record runs again after the restart
                // (a second pipeline, say); keep passing whatever CI is running until both have landed.
                try await waitUntil(timeout: .seconds(180)) {
                    for pipeline in await gitlab.pipelines(project: ServiceHarness.project)
                    where pipeline.source == "api" && pipeline.status == "running" {
                        await gitlab.finishPipeline(project: ServiceHarness.project, id: pipeline.id, status: "success")
                    }
                    return await gitlab.mergeRequest(project: ServiceHarness.project, iid: two)?.state == "merged"
                }
                try await harness.waitFor(one, state: "merged")
                try await harness.waitFor(two, state: "merged")
                let notes = await harness.mergeRequest(two)?.notes ?? []
                #expect(
                    notes.filter { $0.contains("Added !\(two)") }.count == 1,
                    "nothing was applied twice across the restart")
            }
        }
    }

    @Test func cancelCommandAndClosingTakeMergeRequestsOff() async throws {
        try await ServiceHarness.run(policy: { _ in nil }) { harness in
            let cancelled = try await harness.openMergeRequest("c1", ["c1.txt": "1\n"])
            let closed = try await harness.openMergeRequest("c2", ["c2.txt": "2\n"])
            for iid in [cancelled, closed] {
                await harness.gitlab.comment(project: ServiceHarness.project, iid: iid, body: "@trainyard merge")
            }
            try await harness.waitForNote(closed, containing: "Added !\(closed)")
            await harness.gitlab.comment(project: ServiceHarness.project, iid: cancelled, body: "/cancel")
            await harness.gitlab.closeMergeRequest(project: ServiceHarness.project, iid: closed)
            try await harness.waitForNote(cancelled, containing: "Removed from the merge train of `main` by @alice")
            try await harness.waitForNote(closed, containing: "was closed")
            let gitlab = harness.gitlab
            try await waitUntil {
                await gitlab.pipelines(project: ServiceHarness.project).filter { $0.source == "api" }.allSatisfy {
                    $0.status == "canceled"
                }
            }
        }
    }
}

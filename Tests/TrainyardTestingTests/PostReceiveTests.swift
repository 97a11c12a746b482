import Foundation
import Testing
import TrainyardTesting

@Suite struct PostReceiveTests {
    let project = TestEnvironment.project

    @Test func pushToSourceBranchUpdatesTheMergeRequest() async throws {
        try await TestEnvironment.run { env in
            let iid = try await env.gitlab.createMergeRequest(
                project: project, sourceBranch: "feature", title: "Feature", files: ["f.txt": "1\n"]
            )
            let before = try #require(await env.gitlab.mergeRequest(project: project, iid: iid)).sha
            let clone = try await env.clone(named: "service")
            try await env.git(["checkout", "--quiet", "feature"], in: clone)
            let after = try await env.commit(in: clone, files: ["f.txt": "2\n"], message: "Rebased")
            try await env.git(["push", "--quiet", "-o", "ci.skip", "origin", "HEAD:refs/heads/feature"], in: clone)

            let mergeRequest = try #require(await env.gitlab.mergeRequest(project: project, iid: iid))
            #expect(mergeRequest.sha == after)
            let gitURL = try #require(await env.gitlab.project(project)).gitURL
            #expect(try await env.git(["rev-parse", "refs/merge-requests/\(iid)/head"], in: gitURL) == after)
            #expect(await env.gitlab.pipelines(project: project).filter { $0.sha == after }.isEmpty)

            try await waitUntil { await env.receiver.log.actions(event: "Merge Request Hook") == ["open", "update"] }
            let update = try #require(await env.receiver.log.hooks(event: "Merge Request Hook").last).json()
            let attributes = try #require(update["object_attributes"] as? [String: Any])
            #expect(attributes["oldrev"] as? String == before)
            #expect((attributes["last_commit"] as? [String: Any])?["id"] as? String == after)
            #expect((update["user"] as? [String: Any])?["username"] as? String == "trainyard-bot")

            let pushes = await env.receiver.log.hooks(event: "Push Hook")
            #expect(pushes.count == 2)
            let push = try #require(pushes.last).json()
            #expect(push["object_kind"] as? String == "push")
            #expect(push["before"] as? String == before)
            #expect(push["after"] as? String == after)
            #expect(push["checkout_sha"] as? String == after)
            #expect(push["ref"] as? String == "refs/heads/feature")
            #expect(push["project_id"] as? Int == 1)
            #expect(push["total_commits_count"] as? Int == 1)
            let commits = try #require(push["commits"] as? [[String: Any]])
            #expect(commits.map { $0["id"] as? String } == [after])
            #expect(commits.first?["modified"] as? [String] == ["f.txt"])
        }
    }

    @Test func pushWithoutCISkipCreatesAPushPipeline() async throws {
        try await TestEnvironment.run { env in
            let old = try #require(await env.gitlab.branchHead(project: project, branch: "main"))
            let sha = try await env.gitlab.push(
                project: project, branch: "main", files: ["b.txt": "b\n"], message: "Human push")
            #expect(await env.gitlab.branchHead(project: project, branch: "main") == sha)
            let pipeline = try #require(await env.gitlab.pipelines(project: project).first)
            #expect(pipeline.source == "push")
            #expect(pipeline.ref == "main")
            #expect(pipeline.sha == sha)
            #expect(pipeline.beforeSha == old)
            #expect(pipeline.user == "alice")
            try await waitUntil { await env.gitlab.pipelines(project: project).first?.status == "success" }
            let listed = try await env.api("GET", "/projects/1/pipelines?source=push&ref=main")
            #expect(try listed.array().count == 1)
        }
    }

    @Test func pushToTargetBranchMergesContainedMergeRequests() async throws {
        try await TestEnvironment.run { env in
            let first = try await env.gitlab.createMergeRequest(
                project: project, sourceBranch: "one", title: "One", files: ["one.txt": "1\n"]
            )
            let second = try await env.gitlab.createMergeRequest(
                project: project, sourceBranch: "two", title: "Two", files: ["two.txt": "2\n"]
            )
            let third = try await env.gitlab.createMergeRequest(
                project: project, sourceBranch: "three", title: "Three", files: ["three.txt": "3\n"]
            )
            let initial = try #require(await env.gitlab.branchHead(project: project, branch: "main"))
            let clone = try await env.clone(named: "train")
            try await env.git(["merge", "--quiet", "--no-ff", "-m", "Merge one", "origin/one"], in: clone)
            let mergeOne = try await env.git(["rev-parse", "HEAD"], in: clone)
            try await env.git(["merge", "--quiet", "--no-ff", "-m", "Merge two", "origin/two"], in: clone)
            let mergeTwo = try await env.git(["rev-parse", "HEAD"], in: clone)
            try await env.git(
                ["push", "--quiet", "--push-option=ci.skip", "origin", "HEAD:refs/heads/main"], in: clone)

            #expect(await env.gitlab.firstParents(project: project, branch: "main") == [mergeTwo, mergeOne, initial])
            let one = try #require(await env.gitlab.mergeRequest(project: project, iid: first))
            let two = try #require(await env.gitlab.mergeRequest(project: project, iid: second))
            #expect(one.state == "merged")
            #expect(one.mergeCommitSha == mergeOne)
            #expect(two.state == "merged")
            #expect(two.mergeCommitSha == mergeTwo)
            #expect(await env.gitlab.mergeRequest(project: project, iid: third)?.state == "opened")
            #expect(await env.gitlab.pipelines(project: project).filter { $0.ref == "main" }.isEmpty)

            try await waitUntil {
                await env.receiver.log.actions(event: "Merge Request Hook").filter { $0 == "merge" }.count == 2
            }
            let merge = try #require(await env.receiver.log.hooks(event: "Merge Request Hook").last).json()
            let attributes = try #require(merge["object_attributes"] as? [String: Any])
            #expect(attributes["state"] as? String == "merged")
            #expect(attributes["merge_commit_sha"] as? String == mergeTwo)
            let api = try await env.api("GET", "/projects/1/merge_requests/\(first)")
            #expect(try api.object()["merge_commit_sha"] as? String == mergeOne)
            #expect(try api.object()["state"] as? String == "merged")
        }
    }

    @Test func humanPushToSourceBranchUpdatesTheMergeRequest() async throws {
        try await TestEnvironment.run { env in
            let iid = try await env.gitlab.createMergeRequest(
                project: project, sourceBranch: "feature", title: "Feature", files: ["f.txt": "1\n"]
            )
            let sha = try await env.gitlab.push(
                project: project, branch: "feature", files: ["g.txt": "g\n"], message: "More", author: "dave")
            #expect(await env.gitlab.mergeRequest(project: project, iid: iid)?.sha == sha)
            #expect(await env.gitlab.fileContents(project: project, sha: sha, path: "f.txt") == "1\n")
            try await waitUntil { await env.receiver.log.actions(event: "Merge Request Hook") == ["open", "update"] }
            let update = try #require(await env.receiver.log.hooks(event: "Merge Request Hook").last).json()
            #expect((update["user"] as? [String: Any])?["username"] as? String == "dave")
            let pushPipelines = await env.gitlab.pipelines(project: project).filter { $0.source == "push" }
            #expect(pushPipelines.map(\.ref) == ["feature", "feature"])
        }
    }
}

import Foundation
import Testing
import TrainyardCore
import TrainyardEngine
@testable import TrainyardForges
import TrainyardTesting

/// Whether a change is ready to merge, as each forge's client reads it over real HTTP from the
/// fakes: approvals, blocking discussions or requested changes, the change's own pipeline or
/// checks, and conflicts, each said in words the refusal can use.
@Suite(.serialized)
struct ReadinessTests {
    @Test func gitLabSaysWhatAMergeRequestLacks() async throws {
        try await GitLabClientTests.withGitLab { gitlab, client, project in
            let iid = try await gitlab.createMergeRequest(
                project: "group/app", sourceBranch: "f", title: "F", files: ["f": "f\n"])
            let info = try await client.mergeRequest(project: project, number: iid)
            let all = Set(MergeCheck.allCases)
            let fresh = try await client.unreadiness(project: project, change: info, checks: all)
            // The push that opened it started a pipeline, still running or passed by now.
            #expect(
                fresh.allSatisfy { $0.hasPrefix("a pipeline that passed on its head \(info.head.short) (pipeline #") })
            #expect(try await client.unreadiness(project: project, change: info, checks: MergeCheck.defaults).isEmpty)

            await gitlab.setReadiness(
                project: "group/app", iid: iid,
                FakeReadiness(approvalsRequired: 2, unresolvedDiscussions: true, conflicts: true))
            await gitlab.approveMergeRequest(project: "group/app", iid: iid, author: "bob")
            let lacking = try await client.unreadiness(project: project, change: info, checks: MergeCheck.defaults)
            #expect(
                lacking == [
                    "1 more approval", "its blocking discussions resolved", "its conflicts with `main` resolved",
                ])
            #expect(try await client.unreadiness(project: project, change: info, checks: [.conflicts]).count == 1)
            await gitlab.approveMergeRequest(project: "group/app", iid: iid, author: "carol")
            await gitlab.setReadiness(project: "group/app", iid: iid, FakeReadiness(approvalsRequired: 2))
            #expect(try await client.unreadiness(project: project, change: info, checks: MergeCheck.defaults).isEmpty)
        }
    }

    @Test func gitLabReadsTheHeadPipeline() async throws {
        try await GitLabClientTests.withGitLab { gitlab, client, project in
            await gitlab.setCIPolicy { job in job.file("FAIL") == nil ? .success : .failed }
            let iid = try await gitlab.createMergeRequest(
                project: "group/app", sourceBranch: "f", title: "F", files: ["FAIL": "x\n"])
            try await gitlab.push(project: "group/app", branch: "f", files: ["FAIL": "y\n"], message: "again")
            let info = try await client.mergeRequest(project: project, number: iid)
            try await waitUntil {
                await gitlab.pipelines(project: "group/app").contains {
                    $0.sha == info.head.value && $0.status == "failed"
                }
            }
            let lacking = try await client.unreadiness(project: project, change: info, checks: [.pipeline])
            #expect(lacking.count == 1 && lacking[0].contains("is failed)"), "\(lacking)")
        }
    }

    @Test func gitHubSaysWhatAPullRequestLacks() async throws {
        try await GitHubClientTests.withGitHub { github, client in
            let repository = GitHubClientTests.repository
            let project = GitHubClientTests.project()
            let number = try await github.openPullRequest(repository, branch: "a", title: "A", files: ["a.txt": "a\n"])
            let info = try await client.mergeRequest(project: project, number: number)
            #expect(try await client.unreadiness(project: project, change: info, checks: MergeCheck.defaults).isEmpty)

            await github.requireReviews(repository, branch: "main", 2)
            await github.review(repository, number: number, by: "bob", "APPROVED")
            await github.review(repository, number: number, by: "carol", "CHANGES_REQUESTED")
            await github.setConflicted(repository, number: number, true)
            let lacking = try await client.unreadiness(project: project, change: info, checks: MergeCheck.defaults)
            #expect(
                lacking == [
                    "1 more approving review", "the changes @carol requested", "its conflicts with `main` resolved",
                ])
            // Carol's later approval replaces her request for changes.
            await github.review(repository, number: number, by: "carol", "APPROVED")
            await github.setConflicted(repository, number: number, false)
            #expect(try await client.unreadiness(project: project, change: info, checks: MergeCheck.defaults).isEmpty)
            let checks = try await client.unreadiness(project: project, change: info, checks: [.pipeline])
            #expect(checks.count == 1 && checks[0].contains("none has reported"), "\(checks)")
        }
    }
}

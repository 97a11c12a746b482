import Foundation
import Testing
import TrainyardCore
import TrainyardEngine
@testable import TrainyardForges
import TrainyardTesting

/// What the reconciler reads of each forge, over real HTTP against the fakes: the open merge
/// requests into a target, across pages, and the comments written since a time, oldest first.
@Suite(.serialized)
struct ReconcileReadTests {
    /// Now, down to the second: the forges write times to the second.
    static func thisSecond() -> Instant {
        Instant(seconds: Int64(Date().timeIntervalSince1970))
    }

    @Test func gitLabListsOpenMergeRequestsAcrossPagesAndCommentsSinceATime() async throws {
        try await GitLabClientTests.withGitLab { gitlab, client, project in
            var iids: [Int] = []
            for index in 0..<3 {
                iids.append(
                    try await gitlab.createMergeRequest(
                        project: "group/app", sourceBranch: "f\(index)", title: "F\(index)", files: ["f\(index)": "x\n"]
                    ))
            }
            try await gitlab.push(project: "group/app", branch: "release", files: ["r": "r\n"], message: "release")
            let other = try await gitlab.createMergeRequest(
                project: "group/app", sourceBranch: "g", targetBranch: "release", title: "G", files: ["g": "g\n"])
            let open = try await client.openMergeRequests(project: project, target: "main", since: nil)
            #expect(Set(open.map(\.number)) == Set(iids), "only open merge requests into the target: not !\(other)")
            let heads = await gitlab.mergeRequest(project: "group/app", iid: iids[0])?.sha
            #expect(open.first { $0.number == iids[0] }?.head.value == heads)

            _ = await gitlab.comment(project: "group/app", iid: iids[0], body: "old")
            try await Task.sleep(for: .milliseconds(1_100))
            let since = Self.thisSecond()
            for index in 0..<105 { _ = await gitlab.comment(project: "group/app", iid: iids[0], body: "c\(index)") }
            let comments = try await client.comments(project: project, number: iids[0], since: since)
            #expect(comments.count == 105, "every page up to `since`, not the one before it")
            #expect(comments.map(\.body) == (0..<105).map { "c\($0)" }, "oldest first")
            #expect(comments.allSatisfy { $0.author == "alice" && $0.authorID != nil })
            #expect(Set(comments.map(\.id)).count == 105)
            let updated = try await client.openMergeRequests(project: project, target: "main", since: since)
            #expect(updated.map(\.number) == [iids[0]], "`since` keeps the merge requests that changed after it")
        }
    }

    @Test func gitHubListsOpenPullRequestsAndCommentsSinceATime() async throws {
        try await GitHubClientTests.withGitHub { github, client in
            let repository = GitHubClientTests.repository
            let project = GitHubClientTests.project()
            let first = try await github.openPullRequest(
                repository, branch: "a", title: "A", files: ["a.txt": "a\n"])
            let second = try await github.openPullRequest(
                repository, branch: "b", title: "B", files: ["b.txt": "b\n"])
            let open = try await client.openMergeRequests(project: project, target: "main", since: nil)
            #expect(Set(open.map(\.number)) == [first, second])
            #expect(try await client.openMergeRequests(project: project, target: "release", since: nil).isEmpty)

            await github.comment(repository, number: first, body: "old")
            try await Task.sleep(for: .milliseconds(1_100))
            let since = Self.thisSecond()
            await github.comment(repository, number: first, body: "@trainyard merge", author: "bob")
            let comments = try await client.comments(project: project, number: first, since: since)
            #expect(comments.map(\.body) == ["@trainyard merge"])
            #expect(comments.first?.author == "bob" && comments.first?.authorID != nil)
            let updated = try await client.openMergeRequests(project: project, target: "main", since: since)
            #expect(updated.map(\.number) == [first])
        }
    }
}

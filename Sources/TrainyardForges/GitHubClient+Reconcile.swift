import Foundation
import TrainyardCore
import TrainyardEngine

/// What the reconciler reads of GitHub: open pull requests and their recent comments.
extension GitHubClient {
    /// Pages the reconciler reads at most of one list (100 items each).
    static let maxPages = 50

    /// `GET /repos/{owner}/{repo}/pulls?state=open&base=…`, every page. GitHub cannot filter by
    /// time: pull requests that changed before `since` are dropped here.
    public func openMergeRequests(
        project: ProjectSettings, target: String, since: Instant?
    ) async throws -> [ChangeSnapshot] {
        struct Pull: Decodable {
            struct Branch: Decodable {
                let ref: String
                let sha: String
            }
            let number: Int
            let head: Branch
            let base: Branch
            let updated_at: String
        }
        let repository = project.key.path
        var snapshots: [ChangeSnapshot] = []
        for page in 1...Self.maxPages {
            let pulls: [Pull] = try decode(
                try await send(
                    "GET", "repos/\(repository)/pulls", repository: repository,
                    query: [
                        "state": "open", "base": target, "per_page": "100", "page": String(page), "sort": "updated",
                        "direction": "desc",
                    ]),
                "the open pull requests into \(target)")
            for pull in pulls {
                guard let sha = SHA(validating: pull.head.sha), let updated = ForgeTime.instant(pull.updated_at),
                    since.map({ updated >= $0 }) ?? true
                else { continue }
                snapshots.append(
                    ChangeSnapshot(number: pull.number, head: sha, target: pull.base.ref, updatedAt: updated))
            }
            if pulls.count < 100 { break }
        }
        return snapshots
    }

    /// `GET /repos/{owner}/{repo}/issues/{number}/comments?since=…`, every page, oldest first.
    /// (`since` is about the last update: a comment edited after it was written comes too, and is
    /// dropped here unless it was written after `since`.)
    public func comments(project: ProjectSettings, number: Int, since: Instant) async throws -> [CommentSnapshot] {
        struct Comment: Decodable {
            struct User: Decodable {
                let id: Int?
                let login: String
            }
            let id: Int
            let body: String?
            let user: User
            let created_at: String
        }
        let repository = project.key.path
        var comments: [CommentSnapshot] = []
        for page in 1...Self.maxPages {
            let list: [Comment] = try decode(
                try await send(
                    "GET", "repos/\(repository)/issues/\(number)/comments", repository: repository,
                    query: ["since": ForgeTime.text(since), "per_page": "100", "page": String(page)]),
                "the comments on #\(number)")
            for comment in list {
                guard let created = ForgeTime.instant(comment.created_at), created >= since else { continue }
                comments.append(
                    CommentSnapshot(
                        id: comment.id, author: comment.user.login, authorID: comment.user.id, body: comment.body ?? "",
                        createdAt: created))
            }
            if list.count < 100 { break }
        }
        return CommentSnapshot.oldestFirst(comments)
    }
}

import Foundation
import TrainyardCore
import TrainyardEngine

/// What the reconciler reads of GitLab: open merge requests and their recent notes.
extension GitLabClient {
    /// Pages the reconciler reads at most of one list (100 items each).
    static let maxPages = 50

    /// `GET /projects/:id/merge_requests?state=opened&target_branch=…`, every page.
    public func openMergeRequests(
        project: ProjectSettings, target: String, since: Instant?
    ) async throws -> [ChangeSnapshot] {
        struct Body: Decodable {
            let iid: Int
            let sha: String?
            let target_branch: String
            let updated_at: String
        }
        let id = try await projectID(project)
        var query = ["state": "opened", "target_branch": target, "per_page": "100", "order_by": "updated_at"]
        if let since { query["updated_after"] = ForgeTime.text(since) }
        var snapshots: [ChangeSnapshot] = []
        for page in 1...Self.maxPages {
            query["page"] = String(page)
            let bodies: [Body] = try decode(try await send("GET", "projects/\(id)/merge_requests", query: query))
            for body in bodies {
                guard let sha = body.sha.flatMap(SHA.init(validating:)),
                    let updated = ForgeTime.instant(body.updated_at)
                else { continue }
                snapshots.append(
                    ChangeSnapshot(number: body.iid, head: sha, target: body.target_branch, updatedAt: updated))
            }
            if bodies.count < 100 { break }
        }
        return snapshots
    }

    /// `GET /projects/:id/merge_requests/:iid/notes`, newest first, until a page reaches `since`.
    /// System notes (GitLab's own) are left out.
    public func comments(project: ProjectSettings, number: Int, since: Instant) async throws -> [CommentSnapshot] {
        struct Body: Decodable {
            struct Author: Decodable {
                let id: Int?
                let username: String
            }
            let id: Int
            let body: String
            let author: Author
            let created_at: String
            let system: Bool?
        }
        let id = try await projectID(project)
        var comments: [CommentSnapshot] = []
        for page in 1...Self.maxPages {
            let bodies: [Body] = try decode(
                try await send(
                    "GET", "projects/\(id)/merge_requests/\(number)/notes",
                    query: ["sort": "desc", "order_by": "created_at", "per_page": "100", "page": String(page)]))
            var reachedSince = false
            for body in bodies {
                guard let created = ForgeTime.instant(body.created_at) else { continue }
                if created < since {
                    reachedSince = true
                    continue
                }
                guard body.system != true else { continue }
                comments.append(
                    CommentSnapshot(
                        id: body.id, author: body.author.username, authorID: body.author.id, body: body.body,
                        createdAt: created))
            }
            if reachedSince || bodies.count < 100 { break }
        }
        return CommentSnapshot.oldestFirst(comments)
    }
}

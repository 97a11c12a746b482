import Foundation
import TrainyardCore
import TrainyardEngine

/// Whether a merge request is ready to go on a train, as GitLab sees it.
extension GitLabClient {
    /// Reads the merge request (`blocking_discussions_resolved`, `has_conflicts`,
    /// `head_pipeline`) and, for approvals, `GET …/merge_requests/:iid/approvals`
    /// (`approvals_left`, which follows the project's approval rules).
    public func unreadiness(
        project: ProjectSettings, change: MergeRequestInfo, checks: Set<MergeCheck>
    ) async throws -> [String] {
        struct Request: Decodable {
            struct Pipeline: Decodable {
                let id: Int
                let status: String
                let sha: String?
            }
            let blocking_discussions_resolved: Bool?
            let has_conflicts: Bool?
            let head_pipeline: Pipeline?
        }
        struct Approvals: Decodable { let approvals_left: Int? }
        let id = try await projectID(project)
        let path = "projects/\(id)/merge_requests/\(change.number)"
        let request: Request = try decode(try await send("GET", path))
        var missing: [String] = []
        for check in checks.sorted() {
            switch check {
            case .approvals:
                let approvals: Approvals = try decode(try await send("GET", path + "/approvals"))
                if let left = approvals.approvals_left, left > 0 {
                    missing.append(left == 1 ? "1 more approval" : "\(left) more approvals")
                }
            case .discussions:
                if request.blocking_discussions_resolved == false {
                    missing.append("its blocking discussions resolved")
                }
            case .pipeline:
                guard let pipeline = request.head_pipeline, pipeline.sha.map({ $0 == change.head.value }) ?? true else {
                    missing.append("a pipeline that passed on its head \(change.head.short) (none has run)")
                    continue
                }
                if pipeline.status != "success" {
                    missing.append(
                        "a pipeline that passed on its head \(change.head.short) (pipeline #\(pipeline.id) is "
                            + "\(pipeline.status))")
                }
            case .conflicts:
                if request.has_conflicts == true { missing.append("its conflicts with `\(change.target)` resolved") }
            }
        }
        return missing
    }
}

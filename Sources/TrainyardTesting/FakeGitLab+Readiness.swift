import Foundation

/// What keeps a merge request from being mergeable in the fake: approval rules, blocking
/// discussions, conflicts. Its head pipeline is the newest pipeline on its head commit.
public struct FakeReadiness: Sendable, Hashable {
    /// Approvals the rules require in all (GitLab's `approvals_required`).
    public var approvalsRequired = 0
    public var unresolvedDiscussions = false
    public var conflicts = false

    public init(approvalsRequired: Int = 0, unresolvedDiscussions: Bool = false, conflicts: Bool = false) {
        self.approvalsRequired = approvalsRequired
        self.unresolvedDiscussions = unresolvedDiscussions
        self.conflicts = conflicts
    }
}

extension FakeGitLab {
    /// Sets what keeps merge request `iid` from being mergeable.
    public func setReadiness(project: String, iid: Int, _ readiness: FakeReadiness) {
        guard let id = projectID(path: project) else { return }
        self.readiness[[id, iid]] = readiness
    }

    func readiness(of mergeRequest: FakeMergeRequest) -> FakeReadiness {
        readiness[[mergeRequest.projectID, mergeRequest.iid]] ?? FakeReadiness()
    }

    /// `GET /projects/:id/merge_requests/:iid/approvals`.
    func approvalsJSON(_ mergeRequest: FakeMergeRequest) -> JSON {
        let required = readiness(of: mergeRequest).approvalsRequired
        let given = Set(mergeRequest.approvedBy).count
        return [
            "iid": .int(mergeRequest.iid),
            "approved": .bool(given >= required),
            "approvals_required": .int(required),
            "approvals_left": .int(max(0, required - given)),
            "approved_by": .array(Set(mergeRequest.approvedBy).sorted().map { ["user": userJSON($0)] }),
        ]
    }

    /// The merge request's `head_pipeline`: the newest pipeline on its head commit, or null.
    func headPipelineJSON(of mergeRequest: FakeMergeRequest) -> JSON {
        guard
            let pipeline = projects[mergeRequest.projectID]?.pipelines.last(where: {
                $0.sha == mergeRequest.sha && !$0.ref.hasPrefix("trainyard/")
            })
        else { return nil }
        return ["id": .int(pipeline.id), "status": .string(pipeline.status), "sha": .string(pipeline.sha)]
    }
}

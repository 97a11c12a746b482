import Foundation

/// `POST /projects/:id/statuses/:sha`, with GitLab's rules for moving a status on.
extension FakeGitLab {
    static let statusStates = ["pending", "running", "success", "failed", "canceled", "skipped"]

    /// The state machine event GitLab fires to reach `state`.
    static func statusEvent(for state: String) -> String {
        switch state {
        case "pending": return "enqueue"
        case "running": return "run"
        case "failed": return "drop"
        case "canceled": return "cancel"
        case "skipped": return "skip"
        default: return state
        }
    }

    /// Whether a status that is `from` (pending or running) may be moved to `to`, as in GitLab's
    /// `CommitStatus` state machine: `pending` only comes from new statuses, `running` only from
    /// `pending`, `skipped` not from `running`.
    static func canTransition(from: String, to: String) -> Bool {
        switch (from, to) {
        case (_, "pending"): return false
        case ("running", "running"): return false
        case ("running", "skipped"): return false
        default: return true
        }
    }

    /// Creates a status, or moves on the pending or running status with the same sha, ref and name.
    ///
    /// As in GitLab, the ref defaults to the newest pipeline's ref for the sha, then to the first branch
    /// containing it. Unlike GitLab, no `external` pipeline is created when the sha has no pipeline.
    func postStatus(_ state: FakeProjectState, sha: String, parameters: [String: String]) async throws
        -> FakeHTTPResponse
    {
        guard let requested = parameters["state"], !requested.isEmpty else { throw APIError.missing("state") }
        guard Self.statusStates.contains(requested) else { throw APIError.invalid("state") }
        guard let full = await state.repository.resolveObjectID(sha) else { throw APIError.notFound("Commit") }
        let projectID = state.project.id
        let wantedPipeline = parameters["pipeline_id"].flatMap(Int.init)
        var ref = parameters["ref"].flatMap { $0.isEmpty ? nil : $0 }
        let givenRef = ref
        let pipeline = (projects[projectID]?.pipelines ?? []).reversed().first { pipeline in
            pipeline.sha == full && (givenRef == nil || pipeline.ref == givenRef)
                && (wantedPipeline == nil || pipeline.id == wantedPipeline)
        }
        if parameters["pipeline_id"] != nil, pipeline == nil {
            throw APIError.notFound("Pipeline for pipeline_id, sha and ref")
        }
        if ref == nil { ref = pipeline?.ref }
        if ref == nil { ref = await state.repository.branchesContaining(full).first }
        guard let ref else { throw APIError.notFound("References for commit") }

        let name = parameters["name"] ?? parameters["context"] ?? "default"
        let records = projects[projectID]?.commitStatuses ?? []
        let existingIndex = records.lastIndex { record in
            record.sha == full && record.name == name && record.ref == ref
                && ["pending", "running"].contains(record.state)
        }
        let existing = existingIndex.map { records[$0] }
        if let existing, !Self.canTransition(from: existing.state, to: requested) {
            let event = Self.statusEvent(for: requested)
            throw APIError.badRequest(
                "Cannot transition status via :\(event) from :\(existing.state) (Reason(s): Status cannot transition via \"\(event)\")"
            )
        }
        let now = Date()
        let status = FakeCommitStatus(
            id: existing?.id ?? nextStatusID,
            sha: full,
            ref: ref,
            name: name,
            state: requested,
            description: parameters["description"] ?? existing?.description,
            targetURL: parameters["target_url"] ?? existing?.targetURL,
            pipelineID: pipeline?.id ?? existing?.pipelineID,
            createdAt: existing?.createdAt ?? now
        )
        if let existingIndex {
            projects[projectID]?.commitStatuses[existingIndex] = status
        } else {
            nextStatusID += 1
            projects[projectID]?.commitStatuses.append(status)
        }
        projects[projectID]?.statusPosts.append(status)
        let finished = !["pending", "running"].contains(requested)
        return .json(
            201, statusJSON(status, startedAt: requested == "running" ? now : nil, finishedAt: finished ? now : nil))
    }
}

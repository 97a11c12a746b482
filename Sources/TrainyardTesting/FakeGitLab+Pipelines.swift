import Foundation

/// Pipelines: creation, the CI policy, and how they finish.
extension FakeGitLab {
    /// Creates a pipeline for `sha`, delivers its Pipeline Hooks `pending` then `running`, and asks the
    /// CI policy how it ends. Returns the pipeline as it was created (`pending`).
    func startPipeline(
        projectID: Int, ref: String, sha: String, beforeSha: String, source: String, user: String,
        variables: [String: String] = [:]
    ) async -> FakePipeline? {
        guard let state = projects[projectID] else { return nil }
        let files = (try? await state.repository.tree(sha)) ?? [:]
        _ = await commitDetails(sha, in: state.repository)
        guard let iid = projects[projectID]?.nextPipelineIID else { return nil }
        projects[projectID]?.nextPipelineIID += 1
        let id = nextPipelineID
        nextPipelineID += 1
        let now = Date()
        var pipeline = FakePipeline(
            id: id, iid: iid, projectID: projectID, ref: ref, sha: sha, beforeSha: beforeSha, status: "pending",
            source: source, user: user, createdAt: now, startedAt: nil, finishedAt: nil, updatedAt: now,
            variables: variables
        )
        let created = pipeline
        projects[projectID]?.pipelines.append(pipeline)
        deliverPipelineHook(pipeline)

        pipeline.status = "running"
        pipeline.startedAt = Date()
        pipeline.updatedAt = pipeline.startedAt ?? now
        replace(pipeline)
        deliverPipelineHook(pipeline)

        let job = FakeCIJob(
            projectID: projectID, projectPath: state.project.path, pipelineID: id, ref: ref, sha: sha, source: source,
            files: files, variables: variables
        )
        if let outcome = ciPolicy(job) {
            ciTasks[id] = Task { [weak self] in
                try? await Task.sleep(for: outcome.delay)
                guard !Task.isCancelled else { return }
                await self?.completePipeline(id: id, projectID: projectID, status: outcome.status)
            }
        }
        return created
    }

    /// Ends a pipeline that is still pending or running, with a Pipeline Hook.
    ///
    /// Does nothing for a pipeline that already finished (a canceled pipeline stays canceled
    /// when its CI outcome comes due).
    @discardableResult
    func completePipeline(id: Int, projectID: Int, status: String) -> FakePipeline? {
        ciTasks[id] = nil
        guard let index = projects[projectID]?.pipelineIndex(id), var pipeline = projects[projectID]?.pipelines[index],
            !pipeline.isFinished
        else { return nil }
        let now = Date()
        pipeline.status = status
        pipeline.startedAt = pipeline.startedAt ?? now
        pipeline.finishedAt = now
        pipeline.updatedAt = now
        replace(pipeline)
        deliverPipelineHook(pipeline)
        if status == "success" { actOnReviewEnvironment(pipeline) }
        return pipeline
    }

    /// Finishes a pipeline that is still pending or running with `status` (`success`, `failed` or
    /// `canceled`) and delivers its Pipeline Hook. Use it for pipelines the CI policy left running.
    /// A finished pipeline is left as it is.
    public func finishPipeline(project: String, id: Int, status: String) async {
        guard let projectID = projectID(path: project) else { return }
        ciTasks[id]?.cancel()
        completePipeline(id: id, projectID: projectID, status: status)
    }

    /// A pipeline of a project by id.
    public func pipeline(project: String, id: Int) -> FakePipeline? {
        guard let projectID = projectID(path: project), let state = projects[projectID] else { return nil }
        return state.pipelineIndex(id).map { state.pipelines[$0] }
    }

    /// Cancels a pipeline that is still pending or running; returns it as it is afterwards.
    func cancelPipeline(id: Int, projectID: Int) -> FakePipeline? {
        guard let state = projects[projectID], let index = state.pipelineIndex(id) else { return nil }
        ciTasks[id]?.cancel()
        return completePipeline(id: id, projectID: projectID, status: "canceled") ?? state.pipelines[index]
    }

    private func replace(_ pipeline: FakePipeline) {
        guard let index = projects[pipeline.projectID]?.pipelineIndex(pipeline.id) else { return }
        projects[pipeline.projectID]?.pipelines[index] = pipeline
    }
}

import TrainyardCore
import Tracing

/// Executing stored actions and feeding their results back to the train.
extension TrainEngine {
    /// Carries out one stored action, its log lines marked with its train and merge request.
    func execute(_ row: OutboxRow) async throws {
        try await LogContext.$current.withValue(LogContext(train: row.train, action: row.action)) {
            try await withSpan(
                Self.spanName(row.action), context: TraceParent.context(row.trace), ofKind: .client
            ) { span in
                span.attributes["trainyard.train"] = row.train.description
                span.attributes["trainyard.attempt"] = row.attempts + 1
                if let change = LogContext(train: row.train, action: row.action).change {
                    span.attributes["trainyard.change"] = change
                }
                try await carryOut(row)
            }
        }
    }

    /// `action land`, `action buildCar`, …: what a span of an action is called.
    static func spanName(_ action: TrainAction) -> String {
        let name =
            switch action {
            case .fetchTarget: "fetchTarget"
            case .buildCar: "buildCar"
            case .startPipeline: "startPipeline"
            case .cancelPipeline: "cancelPipeline"
            case .refreshPipeline: "refreshPipeline"
            case .land: "land"
            case .deleteRef: "deleteRef"
            case .setStatus: "setStatus"
            case .comment: "comment"
            case .chatReply: "chatReply"
            }
        return "action \(name)"
    }

    private func carryOut(_ row: OutboxRow) async throws {
        let key = ProjectKey(forge: row.train.forge, path: row.train.project)
        guard let project = projects[key], let forge = forges[key.forge] else {
            logger.warning("dropping action of an unconfigured project", metadata: ["train": "\(row.train)"])
            return try await store.finishOutbox(row.id, at: clock())
        }
        do {
            let result = try await perform(
                row.action, key: "\(row.train)#\(row.id)", train: row.train, project: project, forge: forge)
            if let result {
                try await apply([result], to: row.train, project: project, finishing: .outbox(row.id))
            } else {
                try await store.finishOutbox(row.id, at: clock())
            }
        } catch {
            // Stopping: the row stays as it is, for whichever driver runs next.
            if error is CancellationError || error is FencedError || isStopping { throw error }
            let permanent = error is PermanentError || row.attempts + 1 >= maxAttempts
            logger.warning(
                permanent ? "action failed" : "action will be retried",
                metadata: ["train": "\(row.train)", "action": "\(Self.loggable(row.action))", "error": "\(error)"])
            if permanent, let failure = Self.failure(of: row.action, message: "\(error)") {
                try await apply([failure], to: row.train, project: project, finishing: .outbox(row.id))
            } else if permanent, !Self.mustSucceed(row.action) {
                try await store.finishOutbox(row.id, at: clock())
            } else {
                let due = clock().adding(milliseconds: Self.backoff(attempt: row.attempts))
                try await store.retryOutbox(row.id, error: "\(error)", notBefore: due)
            }
        }
    }

    /// Carries out one action. `key` names this action for good (its outbox row), so that
    /// creating something twice is recognised.
    func perform(
        _ action: TrainAction, key: String, train: TrainID, project: ProjectSettings, forge: any ForgePort
    ) async throws -> TrainEvent? {
        switch action {
        case .fetchTarget:
            return .targetMoved(head: try await git.targetHead(project: project, target: train.target))
        case .buildCar(let car, let ref, let base, let changes):
            switch try await git.buildCar(project: project, ref: ref, base: base, changes: changes) {
            case .built(let commit): return .carBuilt(car: car, commit: commit)
            case .conflict(let change, let paths): return .carConflicted(car: car, change: change, paths: paths)
            case .unusable(let change, let message): return .carBuildFailed(car: car, change: change, message: message)
            }
        case .startPipeline(let car, let ref, let commit):
            let created = try await forge.createPipeline(project: project, ref: ref, commit: commit)
            return .pipelineCreated(car: car, pipeline: created.id, commit: created.sha)
        case .cancelPipeline(let car, let pipeline):
            try await forge.cancelCarPipeline(project: project, id: pipeline, branch: train.carBranch(car))
            return nil
        case .refreshPipeline(let car, let pipeline):
            let current = try await forge.carPipeline(project: project, id: pipeline, branch: train.carBranch(car))
            let event = PipelineEvent(
                project: project.key, pipeline: pipeline, ref: "", sha: current.sha, status: current.status)
            return event.state.map { .pipelineUpdated(car: car, pipeline: pipeline, commit: current.sha, state: $0) }
        case .land(let car, let commit, let expected):
            switch try await git.land(project: project, target: train.target, commit: commit, expected: expected) {
            case .landed: return .carLanded(car: car, commit: commit)
            case .rejected(let message): return .landingRejected(car: car, message: message)
            }
        case .deleteRef(_, let ref):
            try await git.deleteBranch(project: project, branch: ref)
            return nil
        case .setStatus(_, let head, let state, let description):
            try await forge.setStatus(project: project, sha: head, state: state, description: description)
            return nil
        case .comment(let change, let body):
            try await forge.comment(project: project, number: change, body: body, key: key)
            return nil
        case .chatReply(let url, let text):
            guard let chat else {
                logger.notice("no chat client: a chat reply is dropped", metadata: ["train": "\(train)"])
                return nil
            }
            try await chat.reply(url: url, text: text)
            return nil
        }
    }

    /// The event that tells the train an action failed for good, for actions whose failure the
    /// train must know about.
    static func failure(of action: TrainAction, message: String) -> TrainEvent? {
        switch action {
        case .buildCar(let car, _, _, _): return .carBuildFailed(car: car, change: nil, message: message)
        case .startPipeline(let car, _, _): return .pipelineCreationFailed(car: car, message: message)
        case .land(let car, _, _): return .landingRejected(car: car, message: message)
        case .fetchTarget, .cancelPipeline, .refreshPipeline, .deleteRef, .setStatus, .comment, .chatReply: return nil
        }
    }

    /// An action as the log may show it: a chat reply's address lets anyone post to the chat
    /// for a while, so it is left out.
    static func loggable(_ action: TrainAction) -> String {
        if case .chatReply = action { return "chatReply" }
        return "\(action)"
    }

    /// Actions that are retried (with capped backoff) for as long as they fail, because the train
    /// cannot go on without them.
    static func mustSucceed(_ action: TrainAction) -> Bool {
        if case .fetchTarget = action { return true }
        return false
    }
}

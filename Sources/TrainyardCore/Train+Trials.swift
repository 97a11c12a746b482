/// `try`: a change built on top of the target in a car of its own and tested, the result posted on
/// the change, never landed. Trials are kept apart from the cars (`trials`): no planner, landing,
/// blame, ETA or status sees them, and the change need not be queued.
extension Train {
    mutating func changeTried(_ change: Change, _ actions: inout [TrainAction]) {
        if let trial = (trials ?? []).first(where: { $0.changes.first?.number == change.number }) {
            actions.append(
                .comment(
                    change: change.number,
                    body: "\(change.reference) is already being tried in car \(trial.id); its result follows here."))
            return
        }
        guard let base = targetHead else {
            requestTarget(&actions)
            actions.append(
                .comment(
                    change: change.number,
                    body: "Trainyard is reading `\(id.target)` for the first time; comment `try` again in a minute."))
            return
        }
        let id = CarID(nextCar)
        nextCar += 1
        var trial = Car(id: id, base: base, changes: [change])
        trial.builtAt = now
        trials = (trials ?? []) + [trial]
        actions.append(.buildCar(car: id, ref: ref(for: id), base: base, changes: [change]))
        actions.append(
            .comment(
                change: change.number,
                body: "\(change.requestedBy) asked to try \(change.reference): car \(id) tests it merged on top of "
                    + "`\(self.id.target)` at \(base.short), alone. It never lands; the result follows here."))
    }

    /// Moves a trial along when `event` is about one; `false` when it is not.
    mutating func trialEvent(_ event: TrainEvent, _ actions: inout [TrainAction]) -> Bool {
        guard let id = event.car, let index = trials?.firstIndex(where: { $0.id == id }), var trial = trials?[index]
        else { return false }
        var result: String?
        switch event {
        case .carBuilt(_, let commit) where trial.status == .building:
            trial.commit = commit
            trial.status = .starting
            actions.append(.startPipeline(car: id, ref: ref(for: id), commit: commit))
        case .carConflicted(_, _, let paths) where trial.status == .building:
            result =
                "conflicts with `\(self.id.target)`"
                + (paths.isEmpty ? "" : " in \(paths.prefix(5).joined(separator: ", "))")
        case .carBuildFailed(_, _, let message) where trial.status == .building:
            result = "could not be built: \(message)"
        case .pipelineCreationFailed(_, let message) where trial.status == .starting:
            result = "could not be tested: \(message)"
        case .pipelineCreated(_, let pipeline, let commit) where trial.status == .starting && trial.commit == commit:
            trial.pipeline = pipeline
            trial.status = .testing
        case .pipelineUpdated(_, let pipeline, let commit, let state) where trial.commit == commit:
            if trial.status == .starting {
                trial.pipeline = pipeline
                trial.status = .testing
            }
            guard trial.pipeline == pipeline else { break }
            switch state {
            case .pending, .running: break
            case .success: result = "passed: pipeline #\(pipeline)"
            case .failed: result = "failed: pipeline #\(pipeline)"
            case .canceled: result = "was not tested: pipeline #\(pipeline) was cancelled"
            }
        default:
            break
        }
        guard let result, let change = trial.changes.first else {
            trials?[index] = trial
            return true
        }
        trials?.remove(at: index)
        if trials?.isEmpty == true { trials = nil }
        actions.append(.deleteRef(car: id, ref: ref(for: id)))
        actions.append(
            .comment(
                change: change.number,
                body: "Try of \(change.reference) merged on top of `\(self.id.target)` at \(trial.base.short) "
                    + "\(result). It was not landed."))
        return true
    }

    /// Polls running trials in case a pipeline webhook was lost.
    mutating func tickTrials(_ now: Instant, _ actions: inout [TrainAction]) {
        guard var current = trials else { return }
        for index in current.indices {
            if let pipeline = Self.duePoll(&current[index], at: now, every: settings.pollInterval) {
                actions.append(.refreshPipeline(car: current[index].id, pipeline: pipeline))
            }
        }
        trials = current
    }
}

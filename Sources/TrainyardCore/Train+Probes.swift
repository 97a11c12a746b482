/// Probes (`adaptive`, while it speculates change by change): a queued change tested alone on the
/// target, for what it tells about the change, never to land it.
///
/// A car that holds changes whose results are not in yet is confounded: when it fails, the train
/// cannot tell which change broke it until the cars ahead finish, and a second bad change behind
/// the first is only found a whole pipeline later (a chain of restarts). A probe starts when the
/// change is queued, so by the time the cars behind it need to know, the change's own result is
/// in: a failed probe makes it a suspect the cars behind leave out at once, a passed one makes it a
/// change they can stack on with confidence. Probes keep running when the target moves (their
/// answer is about the change, not the tree), never land and never blame: a change is removed
/// only by a failed car as before. They share `max_parallel` and the CI budget with the cars.
extension Train {
    /// What the probes found, by change number: `true` passed, `false` failed in CI. A probe that
    /// got no answer (it did not merge alone, its pipeline was not created, was cancelled outside
    /// Trainyard or timed out) keeps no pipeline and tells nothing; its change is not probed again.
    var probeVerdicts: [Int: Bool] {
        guard let probes else { return [:] }
        var verdicts: [Int: Bool] = [:]
        // By index: a loop over the probes would copy each one.
        for k in probes.indices
        where probes[k].status == .passed || (probes[k].status == .failed && probes[k].pipeline != nil) {
            verdicts[probes[k].changes[0].number] = probes[k].status == .passed || probes[k].overruled == true
        }
        return verdicts
    }

    /// The changes that have a probe, finished or not.
    var probedChanges: Set<Int> {
        guard let probes else { return [] }
        return Set(probes.indices.lazy.map { probes[$0].changes[0].number })
    }

    /// Whether the change has a probe that has not finished.
    func isProbing(_ number: Int) -> Bool {
        probes?.contains { $0.isInFlight && $0.newest.number == number } ?? false
    }

    /// Probes whose pipelines have not finished.
    var probesInFlight: Int {
        guard let probes else { return 0 }
        return probes.indices.count { [.building, .starting, .testing].contains(probes[$0].status) }
    }

    /// Whether the planner probes, as its settings allow (`adaptive`, unless `probes: false`).
    var probesAllowed: Bool { planner.probes(settings.plannerSettings) }

    /// Starts a probe of the change at `index` in the queue on the target head.
    mutating func startProbe(_ index: Int, on head: SHA, _ actions: inout [TrainAction]) {
        let id = CarID(nextCar)
        nextCar += 1
        let change = queue[index]
        probes = probes ?? []
        probes?.append(Car(id: id, base: head, changes: [change]))
        actions.append(.buildCar(car: id, ref: ref(for: id), base: head, changes: [change]))
    }

    /// Drops the probes of changes that left the queue or were pushed to since.
    mutating func dropStaleProbes(_ actions: inout [TrainAction]) {
        guard let current = probes, !current.isEmpty else { return }
        var heads: [Int: SHA] = [:]
        heads.reserveCapacity(queue.count)
        for index in queue.indices { heads[queue[index].number] = queue[index].head }
        // Only a train with a stale probe copies its probes out.
        let fresh = current.indices.map { heads[current[$0].changes[0].number] == current[$0].changes[0].head }
        guard fresh.contains(false) else { return }
        for k in current.indices where !fresh[k] { endProbe(current[k], &actions) }
        let kept = current.indices.filter { fresh[$0] }.map { current[$0] }
        probes = kept.isEmpty ? nil : kept
    }

    /// Cancels a probe's pipeline if it runs, and deletes its branch if it was not deleted yet.
    private func endProbe(_ probe: Car, _ actions: inout [TrainAction]) {
        if probe.status == .testing, let pipeline = probe.pipeline {
            actions.append(.cancelPipeline(car: probe.id, pipeline: pipeline))
        }
        if probe.isInFlight { actions.append(.deleteRef(car: probe.id, ref: ref(for: probe.id))) }
    }

    /// Applies an event about a probe. Returns `false` when the event is not about a probe.
    mutating func probeEvent(_ event: TrainEvent, _ actions: inout [TrainAction]) -> Bool {
        guard let id = event.car, let index = probes?.firstIndex(where: { $0.id == id }) else { return false }
        guard var probe = probes?[index] else { return false }
        switch event {
        case .carBuilt(_, let commit) where probe.status == .building:
            probe.commit = commit
            probe.status = .starting
            actions.append(.startPipeline(car: id, ref: ref(for: id), commit: commit))
        case .carConflicted where probe.status == .building:
            unanswered(&probe, "conflicts with the target", &actions)
        case .carBuildFailed(_, _, let message) where probe.status == .building:
            unanswered(&probe, message, &actions)
        case .pipelineCreationFailed(_, let message) where probe.status == .starting:
            unanswered(&probe, message, &actions)
        case .pipelineCreated(_, let pipeline, _) where probe.retiredPipelines.contains(pipeline),
            .pipelineUpdated(_, let pipeline, _, _) where probe.retiredPipelines.contains(pipeline):
            break
        case .pipelineCreated(_, let pipeline, let commit), .pipelineUpdated(_, let pipeline, let commit, _):
            guard probe.commit == commit else {
                actions.append(.cancelPipeline(car: id, pipeline: pipeline))
                break
            }
            if probe.status == .starting, probe.pipeline == nil {
                probe.pipeline = pipeline
                probe.status = .testing
            }
            if case .pipelineCreated = event, probe.pipeline != pipeline {
                probe.retiredPipelines.append(pipeline)
                actions.append(.cancelPipeline(car: id, pipeline: pipeline))
                break
            }
            guard probe.pipeline == pipeline, probe.status == .testing else { break }
            if case .pipelineUpdated(_, _, _, let state) = event {
                switch state {
                case .pending, .running: break
                case .success:
                    stats = stats ?? PlannerStats()
                    stats?.passedRuns += 1
                    finish(&probe, passed: true, failure: nil, &actions)
                case .failed: finish(&probe, passed: false, failure: "pipeline #\(pipeline) failed", &actions)
                case .canceled: unanswered(&probe, "pipeline #\(pipeline) was cancelled", &actions)
                }
            }
        default:
            break
        }
        probes?[index] = probe
        return true
    }

    /// Records a probe's answer and deletes its branch (the answer stays while the change is queued).
    private func finish(_ probe: inout Car, passed: Bool, failure: String?, _ actions: inout [TrainAction]) {
        actions.append(.deleteRef(car: probe.id, ref: ref(for: probe.id)))
        probe.status = passed ? .passed : .failed
        probe.failure = failure
    }

    /// Ends a probe without an answer: its pipeline (if any) is retired, so it tells nothing.
    private func unanswered(_ probe: inout Car, _ why: String, _ actions: inout [TrainAction]) {
        finish(&probe, passed: false, failure: why, &actions)
        if let pipeline = probe.pipeline { probe.retiredPipelines.append(pipeline) }
        probe.pipeline = nil
    }

    /// Polls running probes and ends one that runs longer than `pipelineTimeout` without an answer
    /// (it is not run again: a probe only informs).
    mutating func tickProbes(_ now: Instant, _ actions: inout [TrainAction]) {
        guard var current = probes else { return }
        for index in current.indices {
            if let pipeline = Self.timedOut(&current[index], at: now, after: settings.pipelineTimeout) {
                actions.append(.cancelPipeline(car: current[index].id, pipeline: pipeline))
                unanswered(&current[index], "pipeline #\(pipeline) timed out", &actions)
            } else if let pipeline = Self.duePoll(&current[index], at: now, every: settings.pollInterval) {
                actions.append(.refreshPipeline(car: current[index].id, pipeline: pipeline))
            }
        }
        probes = current
    }
}

extension TrainEvent {
    /// The car (or probe) the event is about, if any.
    var car: CarID? {
        switch self {
        case .carBuilt(let car, _), .carConflicted(let car, _, _), .carBuildFailed(let car, _, _),
            .pipelineCreated(let car, _, _), .pipelineCreationFailed(let car, _), .pipelineUpdated(let car, _, _, _),
            .carLanded(let car, _), .landingRejected(let car, _):
            return car
        default:
            return nil
        }
    }

    /// Whether the event can only move a car or probe along its way (building → starting →
    /// testing, every step in flight) or retire a pipeline: nothing a planner, landing or blame
    /// reads changes (see ``SettledPlan``).
    var onlyMovesACarAlong: Bool {
        switch self {
        case .carBuilt, .pipelineCreated: return true
        default: return false
        }
    }
}

/// Events about the target branch, the cars' builds, their pipelines and landings.
extension Train {
    /// How many landings a train remembers to refuse re-queueing a landed head.
    static let landedMemory = 200

    mutating func targetMoved(_ head: SHA, _ actions: inout [TrainAction]) {
        fetchingTarget = false
        guard head != targetHead else { return }
        if let index = landingIndex {
            if cars[index].commit == head {
                carLanded(cars[index].id, commit: head, &actions)
            } else {
                deferredTarget = head
            }
            return
        }
        targetHead = head
    }

    mutating func targetPushed(_ head: SHA, _ actions: inout [TrainAction]) {
        // The target is already known, or the hint is the late webhook of one of our landings.
        guard head != targetHead, !recentlyLanded.contains(where: { $0.commit == head }) else { return }
        if let index = landingIndex, cars[index].commit == head {
            carLanded(cars[index].id, commit: head, &actions)
            return
        }
        requestTarget(&actions)
    }

    mutating func carBuilt(_ id: CarID, commit: SHA, _ actions: inout [TrainAction]) {
        guard let index = carIndex(id), cars[index].status == .building else { return }
        cars[index].commit = commit
        cars[index].status = .starting
        actions.append(.startPipeline(car: id, ref: ref(for: id), commit: commit))
    }

    mutating func carConflicted(_ id: CarID, change: Int, paths: [String], _ actions: inout [TrainAction]) {
        guard let index = carIndex(id), cars[index].status == .building else { return }
        let car = cars[index]
        let others = car.changes.filter { $0.number != change }.map(\.reference)
        let files = paths.isEmpty ? "" : " in " + Car.list(paths.prefix(20).map { "`\($0)`" })
        let ahead = others.isEmpty ? "" : " merged with \(Car.list(others))"
        remove(
            change, state: .failed,
            reason: "!\(change) conflicts with `\(self.id.target)`\(ahead) at \(car.base.short)\(files). "
                + "Rebase or merge `\(self.id.target)` into it, then comment `\(settings.mergeCommand)` again.",
            &actions)
    }

    mutating func carBuildFailed(_ id: CarID, change: Int?, message: String, _ actions: inout [TrainAction]) {
        guard let index = carIndex(id), cars[index].status == .building else { return }
        let blamed = change ?? cars[index].newest.number
        remove(
            blamed, state: .failed,
            reason: "Trainyard could not build car \(id) for !\(blamed): \(message)", &actions)
    }

    mutating func pipelineCreated(_ id: CarID, pipeline: PipelineID, commit: SHA, _ actions: inout [TrainAction]) {
        guard let index = carIndex(id), cars[index].commit == commit else {
            actions.append(.cancelPipeline(car: id, pipeline: pipeline))
            return
        }
        guard !cars[index].retiredPipelines.contains(pipeline) else { return }
        switch cars[index].status {
        case .starting:
            cars[index].pipeline = pipeline
            cars[index].status = .testing
        case .testing, .passed, .failed, .landing:
            if cars[index].pipeline != pipeline {
                cars[index].retiredPipelines.append(pipeline)
                actions.append(.cancelPipeline(car: id, pipeline: pipeline))
            }
        case .building:
            cars[index].retiredPipelines.append(pipeline)
            actions.append(.cancelPipeline(car: id, pipeline: pipeline))
        }
    }

    mutating func pipelineCreationFailed(_ id: CarID, message: String, _ actions: inout [TrainAction]) {
        guard let index = carIndex(id), cars[index].status == .starting else { return }
        let car = cars[index]
        remove(
            car.newest.number, state: .failed,
            reason: "The forge refused to start a pipeline for car \(id) (\(car.changeList) on `\(self.id.target)`): "
                + "\(message). Check that CI runs for `trainyard/*` branches, then comment `\(settings.mergeCommand)` again.",
            &actions)
    }

    mutating func pipelineUpdated(
        _ id: CarID, pipeline: PipelineID, commit: SHA, state: PipelineState, _ actions: inout [TrainAction]
    ) {
        guard let index = carIndex(id), cars[index].commit == commit,
            !cars[index].retiredPipelines.contains(pipeline)
        else { return }
        if cars[index].pipeline == nil, cars[index].status == .starting {
            // The pipeline's own webhook arrived before the answer that created it: adopt it.
            cars[index].pipeline = pipeline
            cars[index].status = .testing
        }
        guard cars[index].pipeline == pipeline else { return }
        guard cars[index].status == .testing else { return }
        switch state {
        case .pending, .running:
            return
        case .success:
            cars[index].status = .passed
            cars[index].passedAt = now
            overruleProbes(of: cars[index])
            stats = stats ?? PlannerStats()
            stats?.passedRuns += 1
            if cars[index].reruns == 0, cars[index].restarts == 0, let built = cars[index].builtAt, let passed = now,
                passed.milliseconds >= built.milliseconds
            {
                stats?.notePipeline(millis: passed.milliseconds - built.milliseconds)
                if planner.learnsFromHistory {
                    stats?.timedPipelines += 1
                    stats?.pipelineMillis += passed.milliseconds - built.milliseconds
                }
            }
            if cars[index].reruns > 0 { stats?.retriedPassed += 1 }
        case .failed:
            cars[index].reruns += 1
            let runs = cars[index].reruns
            retry(
                index, retiring: pipeline, allowed: runs <= settings.flakeRetries,
                failure: runs > 1
                    ? "pipeline #\(pipeline) failed, as did the \(runs - 1) run(s) before it"
                    : "pipeline #\(pipeline) failed", &actions)
        case .canceled:
            cars[index].restarts += 1
            retry(
                index, retiring: pipeline, allowed: cars[index].restarts <= settings.cancelRestarts,
                failure: "pipeline #\(pipeline) was cancelled outside Trainyard \(cars[index].restarts) times", &actions
            )
        }
    }

    /// Starts a new pipeline for the car, retiring `pipeline` so its late events are stale; or,
    /// when no retry is `allowed`, fails the car with `failure`.
    mutating func retry(
        _ index: Int, retiring pipeline: PipelineID, allowed: Bool, failure: String, _ actions: inout [TrainAction]
    ) {
        guard allowed, let commit = cars[index].commit else {
            cars[index].status = .failed
            cars[index].failure = failure
            return
        }
        let id = cars[index].id
        cars[index].retiredPipelines.append(pipeline)
        cars[index].pipeline = nil
        cars[index].testingSince = nil
        cars[index].status = .starting
        actions.append(.startPipeline(car: id, ref: ref(for: id), commit: commit))
    }

    mutating func carLanded(_ id: CarID, commit: SHA, _ actions: inout [TrainAction]) {
        fetchingTarget = false
        guard let index = carIndex(id), cars[index].commit == commit else { return }
        let landed = cars[index]
        let count = landed.changes.count
        // Cars that start with the landed changes hold the same trees on the new target; the
        // others (shorter cars, and skip-variants that bet against a landed change) are done.
        var survivors: [Car] = []
        // Failed shorter cars and failed copies of the landed car (replicas) tested good trees.
        let flakes = cars.filter {
            $0.status == .failed && $0.changes.count <= count && landed.starts(with: $0.changes[...])
        }
        .count
        for (offset, car) in cars.enumerated() {
            if offset > index, car.changes.count > count, car.starts(with: landed.changes[...]) {
                var kept = car
                kept.base = commit
                kept.changes.removeFirst(count)
                survivors.append(kept)
                continue
            }
            if offset != index, car.status == .testing, let pipeline = car.pipeline {
                actions.append(.cancelPipeline(car: car.id, pipeline: pipeline))
            }
            actions.append(.deleteRef(car: car.id, ref: ref(for: car.id)))
        }
        let pipelineText = landed.pipeline.map { "pipeline #\($0)" } ?? "its pipeline"
        // The landed changes: the first of the queue, or (`adaptive`) the queue without the
        // failing changes the car skipped, which stay queued and are tested on the new target.
        let landedNumbers = Set(landed.changes.map(\.number))
        let landedChanges = queue.filter { landedNumbers.contains($0.number) }
        for change in landedChanges {
            reported[change.number] = nil
            let with = landed.changes.filter { $0.number != change.number }.map(\.reference)
            let together = with.isEmpty ? "" : ", together with \(Car.list(with))"
            actions.append(
                .setStatus(
                    change: change.number, head: change.head, state: .success,
                    description: "Merged into \(self.id.target) as \(commit.short)"))
            actions.append(
                .comment(
                    change: change.number,
                    body: "Merged \(change.reference) into `\(self.id.target)` as \(commit.value): \(pipelineText) "
                        + "tested exactly this commit\(together)."))
        }
        recentlyLanded += landedChanges.map { LandedChange(number: $0.number, head: $0.head, commit: commit) }
        if recentlyLanded.count > Self.landedMemory {
            recentlyLanded.removeFirst(recentlyLanded.count - Self.landedMemory)
        }
        // Saturated: a queued change no car held was waiting for one.
        var held = Set<Int>()
        for car in cars where car.status != .failed { held.formUnion(car.changes.lazy.map(\.number)) }
        let saturated = queue.contains { !held.contains($0.number) }
        queue.removeAll { landedNumbers.contains($0.number) }
        cars = survivors
        stats = stats ?? PlannerStats()
        stats?.landed += count
        if let now { stats?.noteLanding(of: count, at: now.milliseconds, saturated: saturated) }
        // A probe that failed in CI while its change was good (the change just landed) was a flake.
        let flakedProbes = (probes ?? []).count {
            $0.status == .failed && $0.pipeline != nil && landedNumbers.contains($0.newest.number)
        }
        stats?.provenFlakes += flakes + flakedProbes
        planner.landed(count, &self)
        targetHead = commit
        if let deferred = deferredTarget, deferred != commit { targetHead = deferred }
        deferredTarget = nil
    }

    mutating func landingRejected(_ id: CarID, message: String, _ actions: inout [TrainAction]) {
        guard let index = carIndex(id), cars[index].status == .landing else { return }
        cars[index].landingRejections += 1
        if cars[index].landingRejections >= settings.landingAttempts {
            let car = cars[index]
            cars[index].status = .failed
            if let deferred = deferredTarget { targetHead = deferred }
            deferredTarget = nil
            for change in car.changes {
                remove(
                    change.number, state: .failed,
                    reason: "Trainyard could not move `\(self.id.target)` to the tested commit of car \(id) "
                        + "(\(car.changeList)) after \(car.landingRejections) tries: \(message). Check Trainyard's "
                        + "permission to push to `\(self.id.target)`, then comment `\(settings.mergeCommand)` again.",
                    &actions)
            }
            return
        }
        cars[index].status = .passed
        if let deferred = deferredTarget { targetHead = deferred }
        deferredTarget = nil
        requestTarget(&actions)
    }
}

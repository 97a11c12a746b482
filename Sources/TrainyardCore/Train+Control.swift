/// Events that control the train as a whole: pause, resume and the passing of time.
extension Train {
    mutating func trainPaused(reason: String, by: String, _ actions: inout [TrainAction]) {
        pause = Pause(reason: String(reason.prefix(500)), by: by)
    }

    mutating func trainResumed(by: String, _ actions: inout [TrainAction]) {
        pause = nil
    }

    /// Moves the train's idea of the time forward (never back: events arrive out of order).
    mutating func see(_ time: Instant) {
        if now.map({ $0.milliseconds < time.milliseconds }) ?? true { now = time }
    }

    /// When `bors`' batch delay for the changes waiting ends, if it has not ended yet: the
    /// newest change waits `batchDelay` after it was queued, so that changes approved together
    /// share one batch; but the oldest never waits more than ``batchDelayLimit`` delays, so
    /// changes that keep arriving cannot hold a batch back for ever.
    var batchDelayEnd: Instant? {
        guard batchDelay > 0 else { return nil }
        let times = queue.prefix(borsBatchLimit).map(\.enqueuedAt.milliseconds)
        guard let newest = times.max(), let oldest = times.min() else { return nil }
        let end = min(newest + batchDelay, oldest + Self.batchDelayLimit * batchDelay)
        return end > (now?.milliseconds ?? 0) ? Instant(milliseconds: end) : nil
    }

    /// How many batch delays the oldest change of a batch waits at most.
    static let batchDelayLimit: Int64 = 5

    /// Every `pollInterval`, asks for the state of each running pipeline and re-reads the target
    /// of a train with work, so that a lost webhook delays the train by at most that long.
    mutating func poll(_ now: Instant, _ actions: inout [TrainAction]) {
        for index in cars.indices {
            guard let pipeline = Self.duePoll(&cars[index], at: now, every: settings.pollInterval) else { continue }
            actions.append(.refreshPipeline(car: cars[index].id, pipeline: pipeline))
        }
        guard !queue.isEmpty else { return }
        if let last = lastTargetCheck, now.milliseconds - last.milliseconds < settings.pollInterval { return }
        if lastTargetCheck != nil { requestTarget(&actions) }
        lastTargetCheck = now
    }

    /// A check on a car's commit moved: reads the verdict of its pipeline now when the car, probe
    /// or trial is testing that commit. Nothing else changes, so no pass over the cars follows.
    mutating func checksReported(_ car: CarID, commit: SHA, _ actions: inout [TrainAction]) {
        if let index = carIndex(car), cars[index].status == .starting, cars[index].commit == commit {
            cars[index].checksMovedEarly = true
            return
        }
        let all = cars + (probes ?? []) + (trials ?? [])
        guard let found = all.first(where: { $0.id == car }), found.status == .testing, found.commit == commit,
            let pipeline = found.pipeline
        else { return }
        actions.append(.refreshPipeline(car: car, pipeline: pipeline))
    }

    /// After a car's pipeline became known: reads its verdict at once if its checks moved while
    /// it was being started (they may all have finished already, and no webhook would follow).
    mutating func readChecksMovedEarly(_ car: CarID, _ actions: inout [TrainAction]) {
        guard let index = carIndex(car), cars[index].checksMovedEarly == true else { return }
        cars[index].checksMovedEarly = nil
        guard cars[index].status == .testing, let pipeline = cars[index].pipeline else { return }
        actions.append(.refreshPipeline(car: car, pipeline: pipeline))
    }

    /// Restarts a pipeline that has run longer than `pipelineTimeout` once; a second timeout
    /// fails the car with a reason. A pipeline's clock starts at the first tick that sees it
    /// running, so a timeout is exact to within one tick interval.
    mutating func tick(_ now: Instant, _ actions: inout [TrainAction]) {
        see(now)
        poll(now, &actions)
        tickProbes(now, &actions)
        tickTrials(now, &actions)
        for index in cars.indices {
            guard let pipeline = Self.timedOut(&cars[index], at: now, after: settings.pipelineTimeout) else { continue }
            cars[index].timeouts += 1
            cars[index].testingSince = nil
            actions.append(.cancelPipeline(car: cars[index].id, pipeline: pipeline))
            retry(
                index, retiring: pipeline, allowed: cars[index].timeouts <= 1,
                failure: "pipeline #\(pipeline) did not finish within \(settings.pipelineTimeout / 60_000) minutes, "
                    + "for the second time", &actions)
        }
    }

    /// The pipeline of a running car (or probe) to ask about now: the first tick that sees it
    /// running only starts the clock, then every `interval`.
    static func duePoll(_ car: inout Car, at now: Instant, every interval: Int64) -> PipelineID? {
        guard car.status == .testing, let pipeline = car.pipeline else { return nil }
        guard let last = car.lastPolled else {
            car.lastPolled = now
            return nil
        }
        guard now.milliseconds - last.milliseconds >= interval else { return nil }
        car.lastPolled = now
        return pipeline
    }

    /// The pipeline of a running car (or probe) that has run longer than `timeout` since the first
    /// tick that saw it running, if it has.
    static func timedOut(_ car: inout Car, at now: Instant, after timeout: Int64) -> PipelineID? {
        guard car.status == .testing else { return nil }
        guard let since = car.testingSince else {
            car.testingSince = now
            return nil
        }
        guard now.milliseconds - since.milliseconds > timeout else { return nil }
        return car.pipeline
    }
}

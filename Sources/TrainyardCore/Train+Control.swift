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
        guard settings.planner == .bors, batchDelay > 0 else { return nil }
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
        for index in cars.indices where cars[index].status == .testing {
            guard let pipeline = cars[index].pipeline else { continue }
            guard let last = cars[index].lastPolled else {
                cars[index].lastPolled = now
                continue
            }
            if now.milliseconds - last.milliseconds >= settings.pollInterval {
                cars[index].lastPolled = now
                actions.append(.refreshPipeline(car: cars[index].id, pipeline: pipeline))
            }
        }
        guard !queue.isEmpty else { return }
        if let last = lastTargetCheck, now.milliseconds - last.milliseconds < settings.pollInterval { return }
        if lastTargetCheck != nil { requestTarget(&actions) }
        lastTargetCheck = now
    }

    /// Restarts a pipeline that has run longer than `pipelineTimeout` once; a second timeout
    /// fails the car with a reason. A pipeline's clock starts at the first tick that sees it
    /// running, so a timeout is exact to within one tick interval.
    mutating func tick(_ now: Instant, _ actions: inout [TrainAction]) {
        see(now)
        poll(now, &actions)
        tickProbes(now, &actions)
        for index in cars.indices where cars[index].status == .testing {
            guard let since = cars[index].testingSince else {
                cars[index].testingSince = now
                continue
            }
            guard now.milliseconds - since.milliseconds > settings.pipelineTimeout, let pipeline = cars[index].pipeline
            else { continue }
            cars[index].timeouts += 1
            cars[index].testingSince = nil
            actions.append(.cancelPipeline(car: cars[index].id, pipeline: pipeline))
            retry(
                index, retiring: pipeline, allowed: cars[index].timeouts <= 1,
                failure: "pipeline #\(pipeline) did not finish within \(settings.pipelineTimeout / 60_000) minutes, "
                    + "for the second time", &actions)
        }
    }
}

/// When a queued change is expected to land: the train's state read forward with its learnt
/// pipeline duration and failure rate. Read-only, and cheap (one pass over the queue and the
/// cars), so every reply, note and API answer can carry it.
///
/// The model, measured against the simulator in `docs/benchmarks.md#eta`:
/// - A change held by a car lands when that car's pipeline ends: the learnt duration after the car
///   was built (a car still building or starting takes a whole duration; a passed or landing car
///   has only its landing left). A car that failed is built again.
/// - A change no car holds waits for a slot: the train holds as many changes as it held now (its
///   capacity in changes, at least one car per `maxParallel`), and each change that lands frees
///   the slot of the next change waiting, which then takes a whole duration. When changes waited
///   for cars before, it lands no sooner than the pace the train kept then allows (the learnt
///   time per change landed while saturated), which counts runners, batches and failures alike.
/// - Changes land in queue order, so a change never lands before the changes ahead of it.
/// - Each change tested with it that breaks the build (the learnt failure rate, up to the changes
///   the train holds at once) costs half a pipeline: the cars behind a failure start again, on
///   average halfway through their run. (A whole run and a batching planner's bisection on top
///   overestimated every scenario in the simulator.)
extension Train {
    /// The learnt time from a car's build to its passed pipeline (runner wait included); `nil`
    /// until a pipeline of this train passed.
    public var learntPipelineMillis: Int64? { stats?.recentPipelineMillis }

    /// Milliseconds from `now` (the train's latest time when `nil`) until change `number` is
    /// expected to land; `nil` when it is not queued or no pipeline of this train has passed yet.
    public func eta(of number: Int, at now: Instant? = nil) -> Int64? {
        guard let index = queue.firstIndex(where: { $0.number == number }) else { return nil }
        return etas(at: now)?[index]
    }

    /// The expected milliseconds until each queued change lands, in queue order (see
    /// ``eta(of:at:)``); `nil` until a pipeline of this train passed.
    public func etas(at now: Instant? = nil) -> [Int64]? {
        guard let duration = learntPipelineMillis, duration > 0 else { return nil }
        let clock = (now ?? self.now)?.milliseconds ?? 0
        // The shortest car still in the race speaks for each change.
        var holder: [Int: Int] = [:]
        for k in cars.indices where cars[k].status != .failed {
            for change in cars[k].changes where holder[change.number] == nil { holder[change.number] = k }
        }
        let held = queue.count { holder[$0.number] != nil }
        let slots = max(held, pause == nil ? planner.minimumSlots(maxParallel: settings.maxParallel) : 0, 1)
        let failure = (stats ?? PlannerStats()).failureRate
        let batching = planner.batches
        let retries = settings.flakeRetries > 0 || planner.learnsFromHistory
        let own = Double(duration) * (retries ? 1 + (stats ?? PlannerStats()).flakeRate : 1)
        // When slots free, in the order changes leave the train: the free ones now, then the
        // held changes' landings, then each waiting change's landing as it is worked out.
        var frees = [Double](repeating: 0, count: max(0, slots - held))
        frees += queue.compactMap { holder[$0.number].map { remaining(of: cars[$0], duration: duration, at: clock) } }
            .sorted()
        let lastHeld = frees.last ?? 0
        var result: [Int64] = []
        result.reserveCapacity(queue.count)
        var waiting = 0
        var latest = 0.0
        for (index, change) in queue.enumerated() {
            var finish: Double
            if let k = holder[change.number] {
                finish = remaining(of: cars[k], duration: duration, at: clock)
            } else {
                finish = (waiting < frees.count ? frees[waiting] : frees.last ?? 0) + own
                waiting += 1
                // At the pace the train kept while changes waited, if it is slower.
                if let gap = stats?.saturatedGapMillis { finish = max(finish, lastHeld + Double(waiting) * gap) }
            }
            // Failures among the changes tested together with this one cost it a run again.
            finish += Self.failuresAhead(min(index, slots), rate: failure, batching: batching) * Double(duration) / 2
            latest = max(latest, finish)
            if holder[change.number] == nil { frees.append(latest) }
            result.append(Int64(latest.rounded()))
        }
        return result
    }

    /// The failures ahead that cost a change a run again: each one of the `ahead` changes tested
    /// with it that fails, for the planners that restart the cars behind a failure; for the
    /// batching ones, whose bisection finds the failures of one round together, whether any fails.
    static func failuresAhead(_ ahead: Int, rate: Double, batching: Bool) -> Double {
        guard batching else { return Double(ahead) * rate }
        var allGood = 1.0
        for _ in 0..<ahead { allGood *= 1 - rate }
        return 1 - allGood
    }

    /// How long `car` has left: a pipeline's worth after it was built, at least a tenth of one
    /// while it runs over; a whole one while it is built or started; nothing once it passed.
    private func remaining(of car: Car, duration: Int64, at clock: Int64) -> Double {
        switch car.status {
        case .building, .starting, .failed:
            return Double(duration)
        case .testing:
            guard let built = car.builtAt?.milliseconds else { return Double(duration) }
            return Double(max(built + duration - clock, duration / 10))
        case .passed, .landing:
            return 0
        }
    }
}

/// The decision log: what one event made the train decide, read from the train before the event
/// and the actions it produced. Pure, so the engine writes the entries in the same transaction
/// as the train's new state and its actions.
extension Train {
    /// The decisions `event` led to, in the order they were made. `before` is the train before the
    /// event, `self` the train after it.
    public func decisions(for event: TrainEvent, before: Train, actions: [TrainAction]) -> [Decision] {
        var log = eventDecisions(event, before: before)
        var notes: [Int: String] = [:]
        for action in actions {
            if case .comment(let change, let body) = action, notes[change] == nil { notes[change] = body }
        }
        for action in actions {
            switch action {
            case .buildCar(let car, _, let base, let changes):
                let numbers = changes.map(\.number)
                log.append(
                    Decision(
                        kind: .carBuilt, changes: numbers, car: car.value,
                        reason: "Car \(car) holds \(numbers.map { "!\($0)" }.joined(separator: ", ")) on top of "
                            + "`\(id.target)` at \(base.short)."))
            case .startPipeline(let car, _, _):
                // A pipeline started by an event is a car run again because somebody asked.
                guard case .carRetried(_, let by) = event, let held = cars.first(where: { $0.id == car }) else { break }
                log.append(
                    Decision(
                        kind: .retried, changes: held.changes.map(\.number), car: car.value,
                        reason: "Car \(car) runs its pipeline again.", by: by))
            case .setStatus(let change, _, let state, let description):
                let reason = notes[change] ?? description
                switch state {
                case .success:
                    log.append(Decision(kind: .landed, changes: [change], reason: reason))
                case .failed:
                    log.append(
                        Decision(kind: event.isAboutAPipeline ? .blamed : .removed, changes: [change], reason: reason))
                case .canceled:
                    log.append(Decision(kind: .removed, changes: [change], reason: reason, by: event.askedBy))
                case .pending, .running:
                    break
                }
            default:
                break
            }
        }
        return log
    }

    /// The decisions an event itself stands for, when it changed the train.
    private func eventDecisions(_ event: TrainEvent, before: Train) -> [Decision] {
        switch event {
        case .changeEnqueued(let change):
            guard let position = position(of: change.number), before.position(of: change.number) == nil else {
                return []
            }
            var reason = "Queued at position \(position) of \(queue.count)"
            if change.priority != 0 { reason += " with priority \(change.priority)" }
            if change.skipLine { reason += ", skipping the line" }
            return [Decision(kind: .queued, changes: [change.number], reason: reason + ".", by: change.requestedBy)]
        case .changeReprioritized(let number, let priority, let by):
            guard let position = position(of: number), position != before.position(of: number) else { return [] }
            return [
                Decision(
                    kind: .reprioritized, changes: [number],
                    reason: "Priority \(priority): moved to position \(position) of \(queue.count).", by: by)
            ]
        case .pipelineCreated(let car, let pipeline, _):
            guard let old = before.cars.first(where: { $0.id == car }), old.pipeline != pipeline,
                cars.contains(where: { $0.id == car && $0.pipeline == pipeline })
            else { return [] }
            return [
                Decision(
                    kind: .pipelineStarted, changes: old.changes.map(\.number), car: car.value,
                    pipeline: pipeline.value,
                    reason: "Pipeline #\(pipeline) tests car \(car).")
            ]
        case .pipelineUpdated(let car, let pipeline, _, let state):
            guard state == .success || state == .failed,
                let old = before.cars.first(where: { $0.id == car && $0.pipeline == pipeline }), old.status == .testing
            else { return [] }
            let verb = state == .success ? "passed" : "failed"
            return [
                Decision(
                    kind: state == .success ? .passed : .failed, changes: old.changes.map(\.number), car: car.value,
                    pipeline: pipeline.value, reason: "Pipeline #\(pipeline) of car \(car) \(verb).")
            ]
        case .trainPaused(let reason, let by):
            guard before.pause == nil, pause != nil else { return [] }
            return [Decision(kind: .paused, reason: "Paused: \(reason).", by: by)]
        case .trainResumed(let by):
            guard before.pause != nil, pause == nil else { return [] }
            return [Decision(kind: .resumed, reason: "Resumed.", by: by)]
        default:
            return []
        }
    }
}

extension TrainEvent {
    /// Whether a removal during this event comes from a car's pipeline (a blame).
    var isAboutAPipeline: Bool {
        switch self {
        case .pipelineUpdated, .pipelineCreationFailed, .tick: return true
        default: return false
        }
    }

    /// Who asked for the event, when a person did.
    var askedBy: String? {
        switch self {
        case .changeDequeued(_, let by), .changeReprioritized(_, _, let by), .trainPaused(_, let by),
            .trainResumed(let by), .carRetried(_, let by):
            return by
        case .changeEnqueued(let change): return change.requestedBy
        default: return nil
        }
    }
}

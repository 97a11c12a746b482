/// What one event did that an operator counts: a landing, a removal, a finished pipeline. Read
/// from the train before and after the event and its decisions, so the engine records metrics
/// without the train knowing about them.
public enum TrainMeasurement: Hashable, Sendable {
    /// A change landed `waited` seconds after it was queued.
    case landed(change: Int, waited: Double)
    /// A change left the train without landing, for `reason`, `waited` seconds after it was
    /// queued. `rejected` when the train turned it away (its pipeline, a conflict), not a person.
    case removed(change: Int, reason: RemovalReason, waited: Double, rejected: Bool)
    /// A car's pipeline stopped running after `seconds`.
    case pipelineFinished(car: Int, outcome: PipelineOutcome, seconds: Double)

    /// Why a change left the train, from a bounded set (a metric label).
    public enum RemovalReason: String, Hashable, Sendable, CaseIterable {
        case pipelineFailed = "pipeline_failed"
        case pipelineNotCreated = "pipeline_not_created"
        case timeout
        case conflict
        case buildFailed = "build_failed"
        case landingRejected = "landing_rejected"
        /// Taken off by a person (`cancel`, the API, chat); spelt as the forges spell a canceled pipeline.
        case canceled
        case updated
        case closed
        case mergedElsewhere = "merged_elsewhere"
        case other

        /// Whether the train turned the change away, rather than a person or the forge.
        public var isRejection: Bool {
            switch self {
            case .pipelineFailed, .pipelineNotCreated, .timeout, .conflict, .buildFailed, .landingRejected: true
            case .canceled, .updated, .closed, .mergedElsewhere, .other: false
            }
        }

        /// The reason a removal during `event` has.
        public init(_ event: TrainEvent) {
            switch event {
            case .pipelineUpdated: self = .pipelineFailed
            case .pipelineCreationFailed: self = .pipelineNotCreated
            case .tick: self = .timeout
            case .carConflicted: self = .conflict
            case .carBuildFailed: self = .buildFailed
            case .landingRejected: self = .landingRejected
            case .changeDequeued: self = .canceled
            case .changeUpdated: self = .updated
            case .changeClosed: self = .closed
            case .changeMerged: self = .mergedElsewhere
            default: self = .other
            }
        }
    }

    /// How a car's pipeline ended, from a bounded set (a metric label).
    public enum PipelineOutcome: String, Hashable, Sendable, CaseIterable {
        case passed, failed, canceled, timeout
    }
}

extension Train {
    /// What `event` did that is counted: the changes whose landing or removal it decided, and the
    /// car pipelines that stopped running. `self` is the train after the event, `before` the one
    /// before it; `now` is the time of the event.
    public func measurements(for event: TrainEvent, before: Train, decisions: [Decision], now: Instant)
        -> [TrainMeasurement]
    {
        func waited(_ change: Int) -> Double {
            let queued = before.queue.first { $0.number == change }?.enqueuedAt ?? now
            return Double(max(0, now.milliseconds - queued.milliseconds)) / 1000
        }
        var result: [TrainMeasurement] = []
        for decision in decisions {
            switch decision.kind {
            case .landed:
                result += decision.changes.map { .landed(change: $0, waited: waited($0)) }
            case .blamed, .removed:
                let reason = TrainMeasurement.RemovalReason(event)
                result += decision.changes.map {
                    .removed(change: $0, reason: reason, waited: waited($0), rejected: reason.isRejection)
                }
            default:
                break
            }
        }
        for car in before.cars where car.status == .testing {
            guard let pipeline = car.pipeline else { continue }
            let after = cars.first { $0.id == car.id }
            if let after, after.status == .testing, after.pipeline == pipeline { continue }
            let outcome: TrainMeasurement.PipelineOutcome
            switch event {
            case .pipelineUpdated(car.id, pipeline, _, .success): outcome = .passed
            case .pipelineUpdated(car.id, pipeline, _, .failed): outcome = .failed
            case .tick: outcome = .timeout
            default: outcome = .canceled
            }
            // A car's first pipeline starts as it is built (as the train's learnt durations count
            // it); a pipeline run again, from the first poll that saw it running.
            let started = (car.reruns > 0 || car.restarts > 0 ? car.testingSince : nil) ?? car.builtAt ?? now
            result.append(
                .pipelineFinished(
                    car: car.id.value, outcome: outcome,
                    seconds: Double(max(0, now.milliseconds - started.milliseconds)) / 1000))
        }
        return result
    }
}

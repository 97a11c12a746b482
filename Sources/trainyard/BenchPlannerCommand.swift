import ArgumentParser
import Foundation
import TrainyardCore

/// `trainyard bench-planner`: how long the train's state machine takes per event for a long
/// queue, in this build (run it from a release build).
struct BenchPlannerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-planner", abstract: "Measure the train's decision time per event (a benchmark, not a test)."
    )

    @Option(help: "Changes queued on the train.")
    var queued: Int = 200

    @Option(help: "Cars in flight (max_parallel).")
    var window: Int = 20

    @Option(help: "The planner: \(PlannerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var planner: String = PlannerKind.prefix.rawValue

    @Option(help: "Rounds of build, test and land to measure.")
    var rounds: Int = 2000

    func run() throws {
        guard let kind = PlannerKind(rawValue: planner) else { throw ValidationError("unknown planner \(planner)") }
        var train = Train(
            id: TrainID(forge: "bench", project: "group/app", target: "main"),
            settings: TrainSettings(maxParallel: window, planner: kind))
        var nextNumber = 1
        func sha(_ value: Int) -> SHA {
            let hex = String(value, radix: 16)
            return SHA(String(repeating: "0", count: 40 - hex.count) + hex)
        }
        _ = train.apply(.targetMoved(head: sha(0)))
        for _ in 0..<queued {
            _ = train.apply(
                .changeEnqueued(
                    Change(number: nextNumber, head: sha(1_000_000 + nextNumber), enqueuedAt: Instant(seconds: 0))))
            nextNumber += 1
        }
        var events = 0
        var commit = 1
        var pipeline = 1
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<rounds {
                for car in train.cars where car.status == .building {
                    commit += 1
                    _ = train.apply(.carBuilt(car: car.id, commit: sha(commit)))
                    _ = train.apply(.pipelineCreated(car: car.id, pipeline: PipelineID(pipeline), commit: sha(commit)))
                    pipeline += 1
                    events += 2
                }
                guard let first = train.cars.first, let built = first.commit, let id = first.pipeline else { break }
                _ = train.apply(.pipelineUpdated(car: first.id, pipeline: id, commit: built, state: .success))
                _ = train.apply(.carLanded(car: first.id, commit: built))
                _ = train.apply(
                    .changeEnqueued(
                        Change(number: nextNumber, head: sha(1_000_000 + nextNumber), enqueuedAt: Instant(seconds: 0))))
                nextNumber += 1
                events += 3
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "planner \(kind.rawValue), \(queued) queued, window \(window): \(events) events in \(String(format: "%.3f", seconds)) s"
        )
        print("per event: \(String(format: "%.1f", seconds / Double(max(events, 1)) * 1e6)) µs")
    }
}

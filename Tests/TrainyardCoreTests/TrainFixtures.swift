import TrainyardCore

/// Small helpers that make the table tests read like the scenarios they describe.
enum Fixture {
    static let train = TrainID(forge: "gitlab", project: "group/app", target: "main")

    /// A 40-hex commit id made from a label, so tests can name commits.
    static func sha(_ label: String) -> SHA {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in label.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        let padded = String(repeating: "0", count: 16 - hex.count) + hex
        return SHA(String((padded + padded + padded).prefix(40)))
    }

    static func change(_ number: Int, head: String? = nil, at seconds: Int64 = 0) -> Change {
        Change(
            number: number, head: sha(head ?? "head-\(number)"), title: "Change \(number)",
            sourceBranch: "feature-\(number)",
            requestedBy: "@alice", enqueuedAt: Instant(seconds: 1_700_000_000 + seconds))
    }

    /// A train with a known target head and `numbers` queued, cars requested.
    static func queued(_ numbers: [Int], window: Int = 8, planner: PlannerKind = .prefix) -> (Train, [TrainAction]) {
        var train = Train(id: Fixture.train, settings: TrainSettings(maxParallel: window, planner: planner))
        var actions = train.apply(.targetMoved(head: sha("base")))
        for number in numbers { actions += train.apply(.changeEnqueued(change(number))) }
        return (train, actions)
    }

    /// A train with `numbers` queued while paused, then resumed, so the planner sees them at once;
    /// `stats` stands for what the train learnt before.
    static func resumed(
        _ numbers: [Int], window: Int, planner: PlannerKind, stats: PlannerStats? = nil,
        tuning: PlannerSettings = PlannerSettings()
    ) -> (Train, [TrainAction]) {
        var train = Train(
            id: Fixture.train, settings: TrainSettings(maxParallel: window, planner: planner, plannerSettings: tuning))
        train.stats = stats
        _ = train.apply(.targetMoved(head: sha("base")))
        _ = train.apply(.trainPaused(reason: "batch", by: "@alice"))
        for number in numbers { _ = train.apply(.changeEnqueued(change(number))) }
        let actions = train.apply(.trainResumed(by: "@alice"))
        return (train, actions)
    }

    /// Builds and starts every car that is building, with pipeline ids 100 + car number.
    static func startAll(_ train: inout Train) -> [TrainAction] {
        var actions: [TrainAction] = []
        for car in train.cars where car.status == .building {
            let commit = sha("car-\(car.id)")
            actions += train.apply(.carBuilt(car: car.id, commit: commit))
            actions += train.apply(
                .pipelineCreated(car: car.id, pipeline: PipelineID(100 + car.id.value), commit: commit))
        }
        return actions
    }

    static func finish(_ train: inout Train, car: Int, _ state: PipelineState) -> [TrainAction] {
        train.apply(
            .pipelineUpdated(car: CarID(car), pipeline: PipelineID(100 + car), commit: sha("car-\(car)"), state: state))
    }
}

extension [TrainAction] {
    var builds: [[Int]] {
        compactMap { if case .buildCar(_, _, _, let changes) = $0 { return changes.map(\.number) } else { return nil } }
    }
    var lands: [CarID] { compactMap { if case .land(let car, _, _) = $0 { return car } else { return nil } } }
    var cancels: [PipelineID] {
        compactMap { if case .cancelPipeline(_, let pipeline) = $0 { return pipeline } else { return nil } }
    }
    var deletedRefs: [String] { compactMap { if case .deleteRef(_, let ref) = $0 { return ref } else { return nil } } }
    func comments(on number: Int) -> [String] {
        compactMap { if case .comment(number, let body) = $0 { return body } else { return nil } }
    }
    func statuses(on number: Int) -> [CommitState] {
        compactMap { if case .setStatus(number, _, let state, _) = $0 { return state } else { return nil } }
    }
}

import TrainyardCore

/// A train as the API shows it.
struct TrainView: Encodable {
    struct ChangeView: Encodable {
        let number: Int
        let head: String
        let title: String
        let position: Int
        let requestedBy: String
        let priority: Int
        let skipLine: Bool
    }
    struct CarView: Encodable {
        let id: Int
        let ref: String
        let base: String
        let changes: [Int]
        let status: String
        let commit: String?
        let pipeline: Int?
    }
    let forge: String
    let project: String
    let target: String
    let targetHead: String?
    /// Why the train is paused, and by whom; absent while it runs.
    let paused: [String: String]?
    let queue: [ChangeView]
    let cars: [CarView]
    /// `adaptive`'s probes: changes tested alone for information (never landed).
    let probes: [CarView]

    init(_ train: Train) {
        forge = train.id.forge
        project = train.id.project
        target = train.id.target
        targetHead = train.targetHead?.value
        paused = train.pause.map { ["reason": $0.reason, "by": $0.by] }
        queue = train.queue.enumerated().map { index, change in
            ChangeView(
                number: change.number, head: change.head.value, title: change.title, position: index + 1,
                requestedBy: change.requestedBy, priority: change.priority, skipLine: change.skipLine)
        }
        func view(_ car: Car) -> CarView {
            CarView(
                id: car.id.value, ref: train.ref(for: car.id), base: car.base.value, changes: car.changes.map(\.number),
                status: car.status.rawValue, commit: car.commit?.value, pipeline: car.pipeline?.value)
        }
        cars = train.cars.map(view)
        probes = (train.probes ?? []).map(view)
    }
}

import Foundation
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
        /// Seconds until the change is expected to land, and that moment (ISO 8601, UTC); absent
        /// while the train is paused or before a pipeline of this train passed.
        let etaSeconds: Int64?
        let eta: String?
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

    /// The train as of `now`, which its ETAs count from.
    init(_ train: Train, now: Date) {
        forge = train.id.forge
        project = train.id.project
        target = train.id.target
        targetHead = train.targetHead?.value
        paused = train.pause.map { ["reason": $0.reason, "by": $0.by] }
        let etas = train.pause == nil ? train.etas(at: Instant(now)) : nil
        queue = train.queue.enumerated().map { index, change in
            let eta = etas?[index]
            return ChangeView(
                number: change.number, head: change.head.value, title: change.title, position: index + 1,
                requestedBy: change.requestedBy, priority: change.priority, skipLine: change.skipLine,
                etaSeconds: eta.map { ($0 + 999) / 1000 },
                eta: eta.map { Self.iso8601(now.addingTimeInterval(Double($0) / 1000)) })
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

extension TrainView {
    /// `2026-12-05T14:03:00Z`.
    static func iso8601(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}

extension Instant {
    /// The instant of a wall-clock date, to the millisecond.
    init(_ date: Date) { self.init(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded())) }
}

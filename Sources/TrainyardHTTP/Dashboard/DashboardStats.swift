import TrainyardCore
import TrainyardEngine

/// The figures a train's charts show, worked out from its decision log alone (so they survive
/// restarts and agree between replicas): per UTC day, time to merge (p50, p95), CI minutes per
/// merge and landings; and the queue length over the last 24 hours.
struct DashboardStats: Sendable {
    struct Day: Hashable, Sendable {
        /// Milliseconds since 1970 at the day's start (UTC).
        var start: Int64
        var landings: Int
        /// Seconds from queueing to landing, at the 50th and 95th percentile; nil without landings.
        var p50: Double?
        var p95: Double?
        /// Minutes of finished car pipelines per landing; nil without landings.
        var ciMinutesPerMerge: Double?
    }

    var days: [Day]
    /// The queue length from 24 hours ago to now: each point is a moment and the length from then on.
    var queue: [(at: Instant, length: Int)]

    static let dayMilliseconds: Int64 = 86_400_000

    /// The stats of the `days` UTC days up to `now` (today included), from `decisions` of one
    /// train (any order) and its queue length now.
    init(decisions: [DecisionRecord], now: Instant, queueLength: Int, days count: Int = 14) {
        let ordered = decisions.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
        let today: Int64 = now.milliseconds - now.milliseconds % Self.dayMilliseconds
        let first: Int64 = today - Int64(count - 1) * Self.dayMilliseconds
        var waits: [Int64: [Double]] = [:]
        var ciSeconds: [Int64: Double] = [:]
        var queued: [Int: Instant] = [:]
        var started: [Int: Instant] = [:]
        for record in ordered {
            let day = record.at.milliseconds - record.at.milliseconds % Self.dayMilliseconds
            let decision = record.decision
            switch decision.kind {
            case .queued:
                for change in decision.changes { queued[change] = record.at }
            case .pipelineStarted:
                if let pipeline = decision.pipeline { started[pipeline] = record.at }
            case .passed, .failed:
                if let pipeline = decision.pipeline, let start = started.removeValue(forKey: pipeline) {
                    ciSeconds[day, default: 0] += Double(record.at.milliseconds - start.milliseconds) / 1000
                }
            case .landed:
                for change in decision.changes {
                    guard let since = queued.removeValue(forKey: change) else { continue }
                    waits[day, default: []].append(Double(record.at.milliseconds - since.milliseconds) / 1000)
                }
            case .blamed, .removed:
                for change in decision.changes { queued[change] = nil }
            default:
                break
            }
        }
        let starts: [Int64] = Array(stride(from: first, through: today, by: Int(Self.dayMilliseconds)))
        days = starts.map { start -> Day in
            let landed = (waits[start] ?? []).sorted()
            return Day(
                start: start, landings: landed.count, p50: Self.percentile(landed, 0.5),
                p95: Self.percentile(landed, 0.95),
                ciMinutesPerMerge: landed.isEmpty ? nil : (ciSeconds[start] ?? 0) / 60 / Double(landed.count))
        }
        queue = Self.queueLength(ordered, now: now, length: queueLength)
    }

    /// The nearest-rank percentile of sorted values; nil when there are none.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// Walks the log back from now: before a change was queued the queue was one shorter, before
    /// one landed or was removed one longer.
    static func queueLength(_ ordered: [DecisionRecord], now: Instant, length: Int) -> [(at: Instant, length: Int)] {
        let since = Instant(milliseconds: now.milliseconds - dayMilliseconds)
        var points: [(at: Instant, length: Int)] = []
        var current = length
        for record in ordered.reversed() where record.at > since && record.at <= now {
            let moved: Int
            switch record.decision.kind {
            case .queued: moved = -record.decision.changes.count
            case .landed, .blamed, .removed: moved = record.decision.changes.count
            default: continue
            }
            points.append((record.at, current))
            current = max(0, current + moved)
        }
        points.append((since, current))
        return points.reversed()
    }
}

import Foundation
import TrainyardCore
import TrainyardEngine

/// One train as the dashboard draws it: its queue with positions and ETAs, its cars as a train
/// (each car's changes, state in words and by colour, pipeline link), why it is paused, its
/// recent landings and removals, and its charts. Every text from the forge is escaped by the
/// template; the charts are SVG made here from numbers.
struct TrainCard {
    struct ChangeLink {
        let number: Int
        let title: String
        let url: String?
        /// This change's decisions on the dashboard.
        let history: String
    }

    struct QueueItem {
        let position: Int
        let change: ChangeLink
        let requestedBy: String
        /// `in 12 min (14:05 UTC)`, `paused` or `not known yet`.
        let eta: String
        let priority: Int?
        /// `car 3` when a car holds it.
        let car: String?
    }

    struct CarItem {
        let id: Int
        /// `building`, `testing`, `passed`, … and its class for the colour.
        let state: String
        let symbol: String
        let changes: [ChangeLink]
        let pipeline: String?
        let pipelineURL: String?
        let probe: Bool
    }

    struct Recent {
        let at: String
        let atISO: String
        /// `landed` or `removed`.
        let kind: String
        let change: ChangeLink
        let reason: String
    }

    struct Chart {
        let svg: String
        let caption: String
    }

    let anchor: String
    let forge: String
    let project: String
    let target: String
    let state: String
    let paused: Pause?
    let queue: [QueueItem]
    let cars: [CarItem]
    let recent: [Recent]
    let charts: [Chart]
    // Stored, not computed: Mustache reads values by reflection, which sees stored properties only.
    let hasQueue: Bool
    let hasCars: Bool
    let hasRecent: Bool

    init(train: Train, decisions: [DecisionRecord], links: ForgeLinks?, now: Date) {
        let id = train.id
        forge = id.forge
        project = id.project
        target = id.target
        anchor = "train-" + "\(id.forge)-\(id.project)-\(id.target)".map { $0.isLetter || $0.isNumber ? $0 : "-" }
        paused = train.pause
        state = train.pause == nil ? "running" : "paused"
        let titles = Dictionary(train.queue.map { ($0.number, $0.title) }, uniquingKeysWith: { first, _ in first })
        func link(_ number: Int, _ title: String? = nil) -> ChangeLink {
            ChangeLink(
                number: number, title: title ?? titles[number] ?? "",
                url: links?.change(project: id.project, number: number),
                history: "/projects/\(Self.encode(id.project))/changes/\(number)?forge=\(Self.encode(id.forge))")
        }
        let etas = train.pause == nil ? train.etas(at: Instant(now)) : nil
        let holders = Dictionary(
            train.cars.flatMap { car in car.changes.map { ($0.number, car.id.value) } },
            uniquingKeysWith: { first, _ in first })
        queue = train.queue.enumerated().map { index, change in
            let eta: String
            if train.pause != nil {
                eta = "paused"
            } else if let milliseconds = etas?[index] {
                eta = Self.eta(milliseconds, now: now)
            } else {
                eta = "not known yet"
            }
            return QueueItem(
                position: index + 1, change: link(change.number, change.title), requestedBy: change.requestedBy,
                eta: eta, priority: change.priority == 0 ? nil : change.priority,
                car: holders[change.number].map { "car \($0)" })
        }
        func item(_ car: Car, probe: Bool) -> CarItem {
            CarItem(
                id: car.id.value, state: car.status.rawValue, symbol: Self.symbols[car.status] ?? "",
                changes: car.changes.map { link($0.number, $0.title) },
                pipeline: car.pipeline.map { "pipeline #\($0.value)" } ?? (car.commit == nil ? nil : "checks"),
                pipelineURL: links?.pipeline(project: id.project, id: car.pipeline?.value, commit: car.commit?.value),
                probe: probe)
        }
        cars = train.cars.map { item($0, probe: false) } + (train.probes ?? []).map { item($0, probe: true) }
        recent = decisions.filter { [.landed, .blamed, .removed].contains($0.decision.kind) }.prefix(10).compactMap {
            record in
            guard let number = record.decision.changes.first else { return nil }
            let date = Date(timeIntervalSince1970: Double(record.at.milliseconds) / 1000)
            return Recent(
                at: Self.clock(date), atISO: TrainView.iso8601(date),
                kind: record.decision.kind == .landed ? "landed" : "removed", change: link(number),
                reason: record.decision.reason)
        }
        hasQueue = !queue.isEmpty
        hasCars = !cars.isEmpty
        hasRecent = !recent.isEmpty
        let stats = DashboardStats(decisions: decisions, now: Instant(now), queueLength: train.queue.count)
        charts = Self.charts(stats, anchor: anchor, now: now)
    }

    /// Shapes every common font has (no emoji), beside the state's name.
    static let symbols: [Car.Status: String] = [
        .building: "○", .starting: "◌", .testing: "◐", .passed: "✓", .failed: "✗", .landing: "→",
    ]

    /// `in 12 min (14:05 UTC)`.
    static func eta(_ milliseconds: Int64, now: Date) -> String {
        let minutes = max(0, (milliseconds + 59_999) / 60_000)
        let at = now.addingTimeInterval(Double(milliseconds) / 1000)
        let span = minutes < 90 ? "\(minutes) min" : String(format: "%.1f h", Double(minutes) / 60)
        return "in \(span) (\(clock(at)))"
    }

    /// `14:05 UTC`, or `Dec 4 14:05 UTC` for another day than today.
    static func clock(_ date: Date, today: Date = Date()) -> String {
        let parts = utc.dateComponents([.hour, .minute], from: date)
        let time = String(format: "%02d:%02d UTC", parts.hour ?? 0, parts.minute ?? 0)
        return utc.isDate(date, inSameDayAs: today) ? time : "\(day(date)) \(time)"
    }

    /// `Dec 4`.
    static func day(_ date: Date) -> String {
        let parts = utc.dateComponents([.month, .day], from: date)
        return "\(months[((parts.month ?? 1) - 1) % 12]) \(parts.day ?? 1)"
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }
}

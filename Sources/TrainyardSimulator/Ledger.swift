import Foundation

/// What happened to every change and every pipeline minute in one simulated run; turns into
/// ``Metrics``.
struct Ledger {
    let changes: [SimulatedChange]
    /// When each change (by index) was merged or removed; `nil` while unresolved.
    var resolvedAt: [Int64?]
    var landed: [Bool]
    /// The ETA each change (by index) was told when it was queued (milliseconds after its
    /// arrival); `nil` when none was told.
    var predicted: [Int64?]
    var runsStarted = 0
    var ciMillis: Int64 = 0
    var wastedMillis: Int64 = 0
    /// Simulated time when the run ended.
    var end: Int64 = 0
    /// Whether the run was stopped because its queue grew past the bound.
    var stoppedEarly = false

    init(changes: [SimulatedChange]) {
        self.changes = changes
        resolvedAt = Array(repeating: nil, count: changes.count)
        landed = Array(repeating: false, count: changes.count)
        predicted = Array(repeating: nil, count: changes.count)
    }

    /// Records a change as merged or removed; only the first verdict counts.
    mutating func resolve(_ number: Int, landed didLand: Bool, at time: Int64) {
        let index = number - 1
        guard changes.indices.contains(index), resolvedAt[index] == nil else { return }
        resolvedAt[index] = time
        landed[index] = didLand
    }

    var unresolved: Int { resolvedAt.lazy.filter { $0 == nil }.count }

    /// The figures of the run. Changes that arrived in the warm-up (before `warmup` ms) count for
    /// CI cost but not for the time and error figures.
    func metrics(warmup requestedWarmup: Int64, arrivalEnd requestedEnd: Int64) -> Metrics {
        var m = Metrics()
        // A run stopped early is measured up to where it stopped.
        let arrivalEnd = min(requestedEnd, end)
        let warmup = min(requestedWarmup, arrivalEnd / 10)
        var ttm: [Double] = []
        var reject: [Double] = []
        var mergedAll = 0
        var etaErrors: [Double] = []
        var etaSigned: [Double] = []
        var landedInWindow = 0
        var lastResolution: Int64 = 0
        for (index, change) in changes.enumerated() {
            if landed[index] { mergedAll += 1 }
            if let time = resolvedAt[index] {
                lastResolution = max(lastResolution, time)
                if landed[index], time >= warmup, time <= arrivalEnd { landedInWindow += 1 }
            }
            guard change.arrival >= warmup, change.arrival <= end else { continue }
            let minutes = Double((resolvedAt[index] ?? end) - change.arrival) / 60_000
            switch (change.bad, landed[index], resolvedAt[index] != nil) {
            case (false, true, _):
                m.merged += 1
                ttm.append(minutes)
                if let told = predicted[index] {
                    let error = minutes - Double(told) / 60_000
                    etaSigned.append(error)
                    etaErrors.append(abs(error))
                }
            case (false, false, true):
                m.falseRejections += 1
            case (true, true, _):
                m.escapedBad += 1
                m.merged += 1
            case (true, false, true):
                m.rejected += 1
                reject.append(minutes)
            case (false, false, false):
                ttm.append(minutes)  // still waiting when the run ended: censored, counted as waited so far
            case (true, false, false):
                reject.append(minutes)
            }
        }
        ttm.sort()
        reject.sort()
        let measuredHours = Double(max(arrivalEnd - warmup, 1)) / 3_600_000
        let drainHours = Double(max(lastResolution - warmup, 1)) / 3_600_000
        // Throughput: landings during the measured window (the whole drain for a burst).
        m.mergedPerHour = arrivalEnd > warmup ? Double(landedInWindow) / measuredHours : Double(m.merged) / drainHours
        m.ttmMean = Self.mean(ttm)
        m.ttmP50 = Self.percentile(ttm, 0.50)
        m.ttmP95 = Self.percentile(ttm, 0.95)
        m.ttmP99 = Self.percentile(ttm, 0.99)
        m.ttmMax = ttm.last ?? 0
        m.rejectMean = Self.mean(reject)
        m.rejectP50 = Self.percentile(reject, 0.50)
        m.drainMinutes = Double(lastResolution) / 60_000
        let merges = Double(max(mergedAll, 1))
        m.ciMinutesPerMerge = Double(ciMillis) / 60_000 / merges
        m.runsPerMerge = Double(runsStarted) / merges
        m.wastedFraction = ciMillis > 0 ? Double(wastedMillis) / Double(ciMillis) : 0
        let queue = queueLengths(growthWindow: arrivalEnd)
        m.maxQueue = queue.max
        m.meanQueue = queue.mean
        m.stable = !stoppedEarly && !queue.growing
        let good = m.merged - m.escapedBad + m.falseRejections
        m.falseRejectionRate = good > 0 ? Double(m.falseRejections) / Double(good) : 0
        if !etaErrors.isEmpty {
            etaErrors.sort()
            etaSigned.sort()
            m.etaErrorP50 = Self.percentile(etaErrors, 0.50)
            m.etaErrorP90 = Self.percentile(etaErrors, 0.90)
            m.etaBiasP50 = Self.percentile(etaSigned, 0.50)
            m.etaPredictions = etaErrors.count
        }
        return m
    }

    /// Queue length (arrived, not yet resolved) over time: its maximum, time-weighted mean, and
    /// whether it was still growing (the last quarter's mean well above the second quarter's).
    func queueLengths(growthWindow: Int64) -> (max: Int, mean: Double, growing: Bool) {
        let steps = sweep()
        var maximum = 0
        var area = 0.0
        var quarterArea = [0.0, 0.0, 0.0, 0.0]
        let span = Double(max(growthWindow, 1))
        var length = 0
        var last: Int64 = 0
        for (time, delta) in steps {
            let t = min(time, end)
            if t > last {
                area += Double(length) * Double(t - last)
                Self.addQuarters(&quarterArea, from: last, to: t, length: length, span: span)
                last = t
            }
            length += delta
            maximum = max(maximum, length)
        }
        if end > last {
            area += Double(length) * Double(end - last)
            Self.addQuarters(&quarterArea, from: last, to: end, length: length, span: span)
        }
        let quarter = span / 4
        let second = quarterArea[1] / quarter
        let fourth = quarterArea[3] / quarter
        return (maximum, area / Double(max(end, 1)), fourth > 1.5 * second + 5)
    }

    private static func addQuarters(_ quarters: inout [Double], from: Int64, to: Int64, length: Int, span: Double) {
        guard length > 0 else { return }
        for q in 0..<4 {
            let lo = max(Double(from), span * Double(q) / 4)
            let hi = min(Double(to), span * Double(q + 1) / 4)
            if hi > lo { quarters[q] += Double(length) * (hi - lo) }
        }
    }

    /// (+1 at each arrival, −1 at each resolution), in time order.
    private func sweep() -> [(Int64, Int)] {
        var steps: [(Int64, Int)] = []
        steps.reserveCapacity(changes.count * 2)
        for (index, change) in changes.enumerated() where change.arrival <= end {
            steps.append((change.arrival, 1))
            if let time = resolvedAt[index] { steps.append((time, -1)) }
        }
        steps.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return steps
    }

    /// The queue length at up to `points` evenly spaced instants.
    func queueTrace(points: Int = 500) -> [QueuePoint] {
        let steps = sweep()
        guard end > 0 else { return [] }
        var trace: [QueuePoint] = []
        var length = 0
        var cursor = 0
        for k in 0...points {
            let t = Int64(Double(end) * Double(k) / Double(points))
            while cursor < steps.count, steps[cursor].0 <= t {
                length += steps[cursor].1
                cursor += 1
            }
            trace.append(QueuePoint(hour: Double(t) / 3_600_000, length: length))
        }
        return trace
    }

    /// Good changes' times to merge (minutes), sorted, thinned to at most `limit` evenly spread values.
    func ttmSample(warmup: Int64, limit: Int = 2000) -> [Double] {
        var values: [Double] = []
        for (index, change) in changes.enumerated() where change.arrival >= warmup && !change.bad && landed[index] {
            if let time = resolvedAt[index] { values.append(Double(time - change.arrival) / 60_000) }
        }
        values.sort()
        guard values.count > limit else { return values }
        return (0..<limit).map { values[$0 * (values.count - 1) / (limit - 1)] }
    }

    static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}

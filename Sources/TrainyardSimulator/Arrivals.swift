import Foundation

/// A change of the synthetic workload, with its hidden truth.
public struct SimulatedChange: Hashable, Sendable {
    /// Merge request number (1-based, in order of arrival).
    public var number: Int
    /// When it is queued, in milliseconds of simulated time.
    public var arrival: Int64
    /// Whether it fails every run that contains it.
    public var bad: Bool
    /// A change it fails together with (a semantic conflict), if any; always an earlier one.
    public var partner: Int?
}

/// Draws the changes of a workload: the burst at time 0, then Poisson arrivals (thinned to the
/// diurnal shape when the workload has one), each bad with probability p.
public enum Arrivals {
    static let hour: Double = 3_600_000

    public static func generate(_ workload: Workload, hours: Double, seed: UInt64) -> [SimulatedChange] {
        var random = SimulationRandom.stream(seed, 1)
        var times: [Int64] = Array(repeating: 0, count: workload.initialBurst)
        let end = hours * hour
        if workload.burstEveryHours > 0, workload.initialBurst > 0 {
            var t = workload.burstEveryHours * hour
            while t < end {
                times += Array(repeating: Int64(t), count: workload.initialBurst)
                t += workload.burstEveryHours * hour
            }
        }
        if workload.arrivalsPerHour > 0 {
            let peak = max(workload.diurnalPeak, 0)
            let shapeMean = peak > 0 ? 1 + (peak - 1) * 2 / Double.pi : 1
            // In a diurnal workload all arrivals come in 8 hours of 24, shaped by `shape`.
            let dayRate = peak > 0 ? workload.arrivalsPerHour * 3 / shapeMean : workload.arrivalsPerHour
            let maxRate = peak > 0 ? dayRate * max(peak, 1) : dayRate
            var t = 0.0
            while true {
                t += random.exponential(mean: hour / maxRate)
                if t >= end { break }
                if peak > 0 {
                    let accept = dayRate * shape(at: t, peak: peak) / maxRate
                    if !random.chance(accept) { continue }
                }
                times.append(Int64(t))
            }
        }
        times.sort()
        var changes: [SimulatedChange] = []
        changes.reserveCapacity(times.count)
        for (index, time) in times.enumerated() {
            let bad = random.chance(workload.badProbability)
            var partner: Int?
            if index > 0, random.chance(workload.conflictProbability) {
                partner = index + 1 - (1 + Int(random.next() % UInt64(min(index, 10))))
            }
            changes.append(SimulatedChange(number: index + 1, arrival: time, bad: bad, partner: partner))
        }
        return changes
    }

    /// The arrival intensity relative to the day's mean at time `t` (ms): zero outside the
    /// 8-hour working day (09:00–17:00), a sine bump from 1 to `peak` and back within it.
    static func shape(at t: Double, peak: Double) -> Double {
        let hourOfDay = (t / hour).truncatingRemainder(dividingBy: 24)
        guard hourOfDay >= 9, hourOfDay < 17 else { return 0 }
        let x = (hourOfDay - 9) / 8
        return 1 + (peak - 1) * sin(Double.pi * x)
    }
}

/// The ideal references of `strategies-and-benchmarks.md` §1.7, simulated over the same changes
/// as the planners. Oracles know which changes are bad; none of them can avoid a flaky run, so
/// each exists flake-free and with flake re-runs (a flaked run is repeated at once, never a false
/// rejection).
public enum Oracle: String, CaseIterable, Sendable {
    /// Every change gets one run on exactly the base it lands on, dispatched first come first
    /// served onto the K runners as it arrives; good changes land in arrival order.
    case o1 = "O1"
    /// As O1, but bad changes are rejected on arrival at no cost.
    case o2 = "O2"
    /// Batch oracle: bad changes are rejected on arrival at no cost; one runner verifies every
    /// waiting good change in one run whenever it is free (one slot, take-all, as in the
    /// reference's table).
    case ob = "OB"

    /// The key of the oracle in reports: `O1`, or `O1_reruns` with flake re-runs.
    public func key(reruns: Bool) -> String { reruns ? rawValue + "_reruns" : rawValue }

    func run(_ workload: Workload, hours: Double, changes: [SimulatedChange], seed: UInt64, reruns: Bool) -> Ledger {
        var ledger = Ledger(changes: changes)
        var durations = SimulationRandom.stream(seed, 3)
        var flakes = SimulationRandom.stream(seed, 2)
        let flake = reruns ? workload.flakeProbability : 0
        /// Runs one verification until it does not flake; returns its end and adds its cost.
        func verify(from start: Int64, good: Bool) -> Int64 {
            var time = start
            repeat {
                let minutes = durations.logNormal(mean: workload.pipelineMinutes, cv: workload.durationCV)
                let duration = max(1, Int64(minutes * 60_000))
                time += duration
                ledger.ciMillis += duration
                ledger.runsStarted += 1
            } while good && flakes.chance(flake)
            return time
        }
        switch self {
        case .o1, .o2:
            var slots = Array(repeating: Int64(0), count: workload.capacity)
            var lastLanding: Int64 = 0
            for change in changes {
                if self == .o2 && change.bad {
                    ledger.resolve(change.number, landed: false, at: change.arrival)
                    continue
                }
                let slot = slots.indices.min { slots[$0] < slots[$1] }!
                let end = verify(from: max(change.arrival, slots[slot]), good: !change.bad)
                slots[slot] = end
                if change.bad {
                    ledger.resolve(change.number, landed: false, at: end)
                } else {
                    lastLanding = max(lastLanding, end)
                    ledger.resolve(change.number, landed: true, at: lastLanding)
                }
            }
        case .ob:
            var free: Int64 = 0
            var next = 0
            while next < changes.count {
                if changes[next].bad {
                    ledger.resolve(changes[next].number, landed: false, at: changes[next].arrival)
                    next += 1
                    continue
                }
                let start = max(free, changes[next].arrival)
                var batch: [Int] = []
                while next < changes.count, changes[next].arrival <= start {
                    if changes[next].bad {
                        ledger.resolve(changes[next].number, landed: false, at: changes[next].arrival)
                    } else {
                        batch.append(changes[next].number)
                    }
                    next += 1
                }
                free = verify(from: start, good: true)
                for number in batch { ledger.resolve(number, landed: true, at: free) }
            }
        }
        ledger.end = max(ledger.resolvedAt.compactMap { $0 }.max() ?? 0, Int64(hours * 3_600_000))
        return ledger
    }
}

/// The cost of finding the bad changes in a group by testing parts of it together, for a
/// failure rate p (each change bad on its own with probability p, a part failing exactly when it
/// holds a bad change).
///
/// A group of n changes is tested as one car. When it fails, it is split: the first k changes are
/// tested on their own; if they pass they land, and the other n − k are known to hold a bad
/// change; if they fail, they are split again, and the other n − k are as unknown as before. This
/// is nested (generalized binary) splitting, the best known family for a small p: it reaches
/// about the information bound H(p) per change (0.29 runs at p = 0.05, 0.61 at p = 0.15), where
/// testing each change alone costs one run. The tables below give the expected runs of the best
/// split at every size, so a planner can size its groups to its spare capacity and split a failed
/// group where it costs the fewest runs. At p ≥ (3 − √5)/2 ≈ 0.382 no grouping pays (Ungar, 1960).
public struct GroupTesting: Hashable, Sendable {
    /// The failure rate the tables are for.
    public let failureRate: Double
    /// `unknown[n]`: the expected runs to classify n changes nothing is known of, testing the whole
    /// group first (one run when n = 1).
    public let unknown: [Double]
    /// `failed[n]`: the expected runs to classify n changes known to hold a bad one.
    public let failed: [Double]
    /// `split[n]`: how many changes to test first of a failed group of n (the best k).
    public let split: [Int]

    /// Works the tables out up to groups of `limit` changes.
    public init(failureRate: Double, limit: Int = 32) {
        let p = min(max(failureRate, 1e-9), 1 - 1e-9)
        let q = 1 - p
        let size = max(limit, 1) + 1
        var good = [Double](repeating: 1, count: size)  // good[n] = qⁿ
        for n in 1..<size { good[n] = good[n - 1] * q }
        var unknown = [Double](repeating: 0, count: size)
        var failed = [Double](repeating: 0, count: size)
        var split = [Int](repeating: 0, count: size)
        // rest[n]: the fewest expected runs for n unknown changes, tested in groups of any sizes.
        var rest = [Double](repeating: 0, count: size)
        for n in 1..<size {
            if n > 1 {
                var best = Double.infinity
                let anyBad = 1 - good[n]
                for k in 1..<n {
                    // The first k pass (then the rest holds the bad one), or they fail (then the
                    // rest is unknown again).
                    let pass = good[k] * (1 - good[n - k]) / anyBad
                    let cost = pass * failed[n - k] + (1 - pass) * (failed[k] + rest[n - k])
                    if cost < best - 1e-12 {
                        best = cost
                        split[n] = k
                    }
                }
                failed[n] = 1 + best
            }
            unknown[n] = 1 + (1 - good[n]) * failed[n]
            rest[n] = Double(n)
            for first in 1...n { rest[n] = min(rest[n], unknown[first] + rest[n - first]) }
        }
        self.failureRate = failureRate
        self.unknown = unknown
        self.failed = failed
        self.split = split
    }

    /// The expected runs per change of a group of n changes.
    public func runsPerChange(_ n: Int) -> Double {
        let n = min(max(n, 1), unknown.count - 1)
        return unknown[n] / Double(n)
    }

    /// The group size with the fewest expected runs per change, at most `limit`; 1 when no group
    /// pays. Among sizes within 2% of the best, the smallest (a smaller group lands sooner).
    public func cheapestGroup(upTo limit: Int) -> Int {
        let top = min(max(limit, 1), unknown.count - 1)
        let best = (1...top).map(runsPerChange).min() ?? 1
        return (1...top).first { runsPerChange($0) <= best * 1.02 } ?? 1
    }

    /// The smallest group whose expected runs per change fit in `runs` (the runs the runners can
    /// spend on each arriving change), or the cheapest group when none does.
    public func smallestGroup(within runs: Double, upTo limit: Int) -> Int {
        let top = min(max(limit, 1), unknown.count - 1)
        return (1...top).first { runsPerChange($0) <= runs } ?? cheapestGroup(upTo: top)
    }
}

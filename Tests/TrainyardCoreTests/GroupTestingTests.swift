import Foundation
import Testing

@testable import TrainyardCore

/// The splitting rule of `GroupTesting` against small cases whose optimal costs are known in
/// closed form, the classic thresholds of group testing, and the information bound.
struct GroupTestingTests {
    /// Expected runs for 1 and 2 changes, worked out by hand: one change costs one run; a pair
    /// costs one run, and when it fails (1 − q²) a run of its first change, after which the second
    /// is known (bad if the first passed, and tested when the first failed, with probability
    /// p / (1 − q²) among failed pairs): 2 + p − q² in all.
    @Test(arguments: [0.01, 0.05, 0.1, 0.15, 0.3])
    func oneAndTwoChangesCostWhatTheyCostByHand(p: Double) {
        let table = GroupTesting(failureRate: p, limit: 8)
        let q = 1 - p
        #expect(abs(table.unknown[1] - 1) < 1e-12)
        #expect(table.failed[1] == 0, "a failed group of one is known")
        #expect(abs(table.failed[2] - (1 + p / (1 - q * q))) < 1e-12)
        #expect(abs(table.unknown[2] - (2 + p - q * q)) < 1e-12)
        #expect(table.split[2] == 1)
    }

    /// Expected runs and the best first part, per size, pinned from the tables: a change to them
    /// changes how `adaptive` splits failed groups.
    @Test(arguments: [
        (0.05, 3, 1.3401, 2.3848, 1),
        (0.05, 5, 1.8113, 3.5865, 2),
        (0.05, 9, 2.9380, 5.2414, 3),
        (0.15, 3, 1.9634, 2.4966, 1),
        (0.15, 5, 3.2247, 3.9991, 2),
    ])
    func pinnedSizes(p: Double, n: Int, unknown: Double, failed: Double, split: Int) {
        let table = GroupTesting(failureRate: p, limit: 16)
        #expect(abs(table.unknown[n] - unknown) < 5e-4, "unknown[\(n)] is \(table.unknown[n])")
        #expect(abs(table.failed[n] - failed) < 5e-4, "failed[\(n)] is \(table.failed[n])")
        #expect(table.split[n] == split)
    }

    @Test func theFirstPartGrowsWithTheGroup() {
        let table = GroupTesting(failureRate: 0.05, limit: 16)
        #expect(Array(table.split[2...16]) == [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 5, 5, 5, 5])
    }

    /// Ungar (1960): testing each change alone is optimal exactly when p ≥ (3 − √5)/2 ≈ 0.382.
    @Test func noGroupPaysFromUngarsThreshold() {
        let threshold = (3 - 5.0.squareRoot()) / 2
        #expect(GroupTesting(failureRate: threshold + 0.005).cheapestGroup(upTo: 16) == 1)
        #expect(GroupTesting(failureRate: 0.5).cheapestGroup(upTo: 16) == 1)
        #expect(GroupTesting(failureRate: threshold - 0.02).cheapestGroup(upTo: 16) == 2)
    }

    /// No strategy spends fewer runs per change than the entropy H(p) (a run answers one bit), and
    /// nested splitting comes within 15% of it at the cheapest group for the failure rates the
    /// planner sees.
    @Test(arguments: [0.02, 0.05, 0.1, 0.15, 0.25])
    func closeToTheInformationBound(p: Double) {
        let entropy = -p * log2(p) - (1 - p) * log2(1 - p)
        let table = GroupTesting(failureRate: p, limit: 32)
        for n in 1...32 { #expect(table.runsPerChange(n) >= entropy - 1e-9, "n = \(n)") }
        let best = table.runsPerChange(table.cheapestGroup(upTo: 32))
        if p >= 0.05 { #expect(best <= entropy * 1.15, "\(best) runs per change against H(p) = \(entropy)") }
    }

    @Test func groupsAreSizedToTheSpareRuns() {
        let table = GroupTesting(failureRate: 0.15, limit: 16)
        #expect(table.cheapestGroup(upTo: 16) == 3, "0.654 runs per change, within 2% of the best (5: 0.645)")
        #expect(table.smallestGroup(within: 1.0, upTo: 16) == 1, "one run per change fits")
        #expect(table.smallestGroup(within: 0.75, upTo: 16) == 2, "a pair costs 0.714")
        #expect(table.smallestGroup(within: 0.1, upTo: 16) == 3, "nothing fits: the cheapest")
        #expect(table.smallestGroup(within: 0.75, upTo: 1) == 1, "the limit holds")
    }

    /// The tables' expected runs are what the splitting they describe really costs: the strategy is
    /// played out on every assignment of bad and good changes to a group (2ⁿ of them), each
    /// weighted by its probability, and the runs it takes summed.
    @Test(arguments: [(0.05, 9), (0.15, 7), (0.3, 6)])
    func theTablesMatchTheStrategyPlayedOut(p: Double, n: Int) {
        let table = GroupTesting(failureRate: p, limit: 16)
        var rest = [Double](repeating: 0, count: n + 1)
        var firstGroup = [Int](repeating: 0, count: n + 1)
        for m in 1...n {
            rest[m] = .infinity
            for size in 1...m where table.unknown[size] + rest[m - size] < rest[m] {
                rest[m] = table.unknown[size] + rest[m - size]
                firstGroup[m] = size
            }
        }
        /// Runs to classify `changes`, tested as one group first.
        func unknownRuns(_ bad: [Bool]) -> Int {
            guard bad.contains(true) else { return 1 }
            return 1 + failedRuns(bad)
        }
        /// Runs to classify `bad`, known to hold a bad change.
        func failedRuns(_ bad: [Bool]) -> Int {
            guard bad.count > 1 else { return 0 }
            let k = table.split[bad.count]
            let first = Array(bad[..<k])
            let others = Array(bad[k...])
            if !first.contains(true) { return 1 + failedRuns(others) }
            return 1 + failedRuns(first) + restRuns(others)
        }
        /// Runs to classify `bad`, nothing known, in the cheapest partition.
        func restRuns(_ bad: [Bool]) -> Int {
            guard !bad.isEmpty else { return 0 }
            let size = firstGroup[bad.count]
            return unknownRuns(Array(bad[..<size])) + restRuns(Array(bad[size...]))
        }
        var expected = 0.0
        for mask in 0..<(1 << n) {
            let bad = (0..<n).map { mask & (1 << $0) != 0 }
            let count = bad.count { $0 }
            let probability = pow(p, Double(count)) * pow(1 - p, Double(n - count))
            expected += probability * Double(unknownRuns(bad))
        }
        #expect(abs(expected - table.unknown[n]) < 1e-9, "played out: \(expected), table: \(table.unknown[n])")
    }
}

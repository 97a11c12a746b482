import Testing
import TrainyardCore

/// The CI budget shared by every train: fair shares, and allowances that never exceed the budget
/// nor starve a train.
struct CIBudgetTests {
    static func id(_ name: String) -> TrainID { TrainID(forge: "gitlab", project: name, target: "main") }

    static func demands(_ entries: [(String, Int, Int)]) -> [TrainID: CIBudget.Demand] {
        Dictionary(uniqueKeysWithValues: entries.map { (id($0.0), CIBudget.Demand(inFlight: $0.1, wants: $0.2)) })
    }

    @Test(arguments: [
        // (limit, wants, shares): small wants are met in full, the rest is split equally.
        (10, [2, 8, 8], [2, 4, 4]),
        (10, [20, 20, 20], [4, 3, 3]),
        (10, [1, 1, 1], [1, 1, 1]),
        (3, [5, 5, 5, 5], [1, 1, 1, 0]),
        (12, [0, 12], [0, 12]),
    ])
    func sharesAreMaxMinFair(limit: Int, wants: [Int], shares: [Int]) {
        let names = wants.indices.map { "p\($0)" }
        let budget = CIBudget(limit: limit)
        let result = budget.shares(Self.demands(names.indices.map { (names[$0], 0, wants[$0]) }))
        #expect(names.map { result[Self.id($0)] ?? -1 } == shares)
    }

    @Test func aBusyTrainLeavesAQuietTrainItsShare() {
        let budget = CIBudget(limit: 10)
        // The busy train used the whole budget while the quiet one had nothing queued.
        let quietArrives = Self.demands([("busy", 10, 10), ("quiet", 0, 10)])
        #expect(budget.allowance(for: Self.id("quiet"), quietArrives) == 0, "nothing is cancelled for it")
        // As the busy train's cars finish, it refills only up to what the quiet one is not owed.
        let busyReplans = Self.demands([("busy", 4, 10), ("quiet", 0, 10)])
        #expect(budget.allowance(for: Self.id("busy"), busyReplans) == 5)
        #expect(budget.allowance(for: Self.id("quiet"), Self.demands([("busy", 5, 10), ("quiet", 0, 10)])) == 5)
    }

    @Test func aTrainAloneMayUseTheWholeBudget() {
        let budget = CIBudget(limit: 6)
        #expect(budget.allowance(for: Self.id("a"), Self.demands([("a", 0, 8), ("b", 0, 0)])) == 6)
    }

    /// Trains plan in random order (building up to their allowance, never cancelling) while cars
    /// finish at random: the budget is never exceeded, and once the extra cars are done every
    /// train reaches its fair share.
    @Test(arguments: 0..<200)
    func randomPlanningNeverExceedsTheBudgetNorStarves(seed: UInt64) {
        var rng = SplitMix64(seed: seed &* 0x9E37_79B9 &+ 1)
        let limit = Int.random(in: 1...20, using: &rng)
        let budget = CIBudget(limit: limit)
        let names = (0..<Int.random(in: 1...5, using: &rng)).map { "t\($0)" }
        var demands = Self.demands(names.map { ($0, 0, Int.random(in: 0...12, using: &rng)) })
        func plan(_ name: String) {
            let id = Self.id(name)
            guard let demand = demands[id] else { return }
            let allowance = budget.allowance(for: id, demands)
            demands[id]?.inFlight = max(demand.inFlight, min(demand.wants, allowance))
        }
        for _ in 0..<200 {
            let name = names.randomElement(using: &rng)!
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: plan(name)
            case 1:
                let inFlight = demands[Self.id(name)]?.inFlight ?? 0
                demands[Self.id(name)]?.inFlight = max(0, inFlight - 1)
            default: demands[Self.id(name)]?.wants = Int.random(in: 0...12, using: &rng)
            }
            let total = demands.values.reduce(0) { $0 + $1.inFlight }
            #expect(total <= limit, "seed \(seed): \(total) cars in flight over a budget of \(limit)")
        }
        let shares = budget.shares(demands)
        for (id, demand) in demands { demands[id]?.inFlight = min(demand.inFlight, shares[id] ?? 0) }
        for name in names { plan(name) }
        for (id, demand) in demands {
            #expect(demand.inFlight >= min(demand.wants, shares[id] ?? 0), "seed \(seed): \(id) is starved")
        }
    }
}

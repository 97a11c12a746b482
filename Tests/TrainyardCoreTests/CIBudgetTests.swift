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

    /// Fewer slots than busy trains: the slot left over goes to the train that has waited
    /// longest, and every train sees the same, so that train can start (no train waits for
    /// another that waits for it).
    @Test func aSlotLeftOverGoesToTheLongestWaitingTrain() {
        let budget = CIBudget(limit: 1)
        let demands: [TrainID: CIBudget.Demand] = [
            Self.id("a"): .init(inFlight: 0, wants: 2, waitingSince: 500),
            Self.id("b"): .init(inFlight: 0, wants: 2, waitingSince: 100),
        ]
        #expect(budget.shares(demands) == [Self.id("a"): 0, Self.id("b"): 1])
        #expect(budget.allowance(for: Self.id("b"), demands) == 1, "b waited longest and may start")
        #expect(budget.allowance(for: Self.id("a"), demands) == 0)
        // Once b's change is merged, a has waited longest and the slot is a's.
        var later = demands
        later[Self.id("b")] = .init(inFlight: 0, wants: 1, waitingSince: 900)
        #expect(budget.allowance(for: Self.id("a"), later) == 1)
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
        for id in demands.keys { demands[id]?.waitingSince = Int64.random(in: 0...1_000, using: &rng) }
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
        // No deadlock: while the budget has room and no train holds more than its share (those
        // cars finish in time; none is cancelled), some train that wants a car can start one.
        let wanting = demands.filter { $0.value.wants > $0.value.inFlight }
        let used = demands.values.reduce(0) { $0 + $1.inFlight }
        let fair = budget.shares(demands)
        if !wanting.isEmpty, used < limit, demands.allSatisfy({ $0.value.inFlight <= fair[$0.key] ?? 0 }) {
            #expect(
                wanting.keys.contains { budget.allowance(for: $0, demands) > demands[$0]!.inFlight },
                "seed \(seed): every train waits for another")
        }
    }
}

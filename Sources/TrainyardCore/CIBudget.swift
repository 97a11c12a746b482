/// A CI budget shared by every train: at most `limit` cars in flight (building, starting or
/// testing) across all trains at once, on top of each train's own `maxParallel`.
///
/// Each train is guaranteed a fair share: the budget is divided max-min fairly over what the
/// trains want (a train wanting less than an equal share leaves the rest to the others). When the
/// budget does not divide evenly, the slots left over go to the trains whose oldest queued change
/// has waited longest, so with fewer slots than busy trains the slots pass from train to train
/// instead of staying with one. A train may use more than its share while the others leave it
/// unused, but never what another train is owed, so a busy train cannot starve a quiet one: when
/// the quiet one gets work, its share is free as soon as the busy train's extra cars finish.
/// Running cars are never cancelled for it.
///
/// Every train computes its allowance from the same demands (its own as it is now, the others'
/// as stored), so the trains agree on who is owed what and one of them can always go on.
public struct CIBudget: Hashable, Codable, Sendable {
    /// What one train has and wants.
    public struct Demand: Hashable, Codable, Sendable {
        /// Its cars in flight now.
        public var inFlight: Int
        /// The most cars it could use now (`Planner.carsWanted`).
        public var wants: Int
        /// When its oldest queued change was queued (milliseconds); the longest waiting train
        /// gets a slot left over first.
        public var waitingSince: Int64

        public init(inFlight: Int, wants: Int, waitingSince: Int64 = Int64.max) {
            self.inFlight = inFlight
            self.wants = wants
            self.waitingSince = waitingSince
        }
    }

    /// The most cars in flight across all trains.
    public var limit: Int

    public init(limit: Int) { self.limit = max(1, limit) }

    /// Each train's fair share of the budget (max-min fair over what the trains want).
    public func shares(_ demands: [TrainID: Demand]) -> [TrainID: Int] {
        var shares: [TrainID: Int] = [:]
        var left = limit
        // Water-filling: the smallest wants are met in full; the rest share what remains equally.
        var open = demands.sorted { ($0.value.wants, $0.key) < ($1.value.wants, $1.key) }
        while !open.isEmpty {
            let equal = left / open.count
            let (id, demand) = open[0]
            if demand.wants <= equal {
                shares[id] = demand.wants
                left -= demand.wants
                open.removeFirst()
                continue
            }
            // Every remaining train wants more than an equal part: split what is left; the
            // remainder goes to the trains that have waited longest.
            let remainder = left - equal * open.count
            let byWait = open.sorted { ($0.value.waitingSince, $0.key) < ($1.value.waitingSince, $1.key) }
            for (index, entry) in byWait.enumerated() { shares[entry.key] = equal + (index < remainder ? 1 : 0) }
            break
        }
        return shares
    }

    /// How many cars `train` may have in flight now: the budget less what the other trains use
    /// or are owed, whichever is more.
    public func allowance(for train: TrainID, _ demands: [TrainID: Demand]) -> Int {
        let shares = shares(demands)
        let others = demands.reduce(0) { sum, entry in
            entry.key == train ? sum : sum + max(entry.value.inFlight, shares[entry.key] ?? 0)
        }
        return max(0, limit - others)
    }
}

/// A train's view of the CI budget it shares: the limit and what every other train had in flight
/// and wanted when the engine last read them. The train adds its own demand as it is when it
/// plans (``Train/ciAllowance``).
public struct SharedBudget: Hashable, Codable, Sendable {
    public var budget: CIBudget
    public var others: [TrainID: CIBudget.Demand]

    public init(limit: Int, others: [TrainID: CIBudget.Demand] = [:]) {
        self.budget = CIBudget(limit: limit)
        self.others = others
    }
}

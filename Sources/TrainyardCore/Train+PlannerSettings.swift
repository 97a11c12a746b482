/// The planner settings in effect: the configured value, else the planner's default.
extension Train {
    private var tuning: PlannerSettings { settings.plannerSettings }

    /// The planner that chooses the train's cars (from its settings' planner name).
    public var planner: any Planner { settings.planner.planner }

    /// Whether a passed car may land although a shorter car failed: the planners that do, with
    /// `trunk`'s optimistic merging switchable.
    var landsOverFailures: Bool { planner.landsOverFailures(tuning) }

    /// The batch size of `trunk` and `mergify`.
    var vendorBatch: Int { tuning.batchSize ?? Reparenting.vendorBatch }

    /// The most changes `bors` puts in one batch.
    var borsBatchLimit: Int { tuning.batchSize ?? settings.maxParallel }

    /// The largest batch `adaptive` may choose.
    var adaptiveBatchLimit: Int { tuning.batchSize ?? Reparenting.adaptiveBatchLimit }

    /// `trunk`'s cars for bisection on top of `maxParallel` (0: bisection shares it).
    var bisectionConcurrency: Int { planner.bisectionCars(tuning) }

    /// `trunk`'s pending failure depth.
    var trunkPendingDepth: Int { tuning.pendingFailureDepth ?? Self.pendingFailureDepth }

    /// `zuul`'s AIMD window: where it starts and the least it shrinks to.
    var zuulWindow: Int { window ?? tuning.window ?? Reparenting.zuulWindow }
    var zuulFloor: Int { tuning.windowFloor ?? Reparenting.zuulFloor }

    /// `bors`' batch delay in milliseconds.
    var batchDelay: Int64 { tuning.batchDelay ?? 0 }
}

extension Train {
    /// How many cars the train may have in flight under the CI budget it shares with other
    /// trains, with its own demand as it is now; `nil` when there is no shared budget. New cars
    /// (and re-runs of failed ones) wait while the train is at it; running cars are never
    /// cancelled for it.
    public var ciAllowance: Int? {
        guard let shared = sharedBudget else { return nil }
        var demands = shared.others
        demands[id] = planner.demand(of: self)
        return shared.budget.allowance(for: id, demands)
    }

    /// How many more cars the shared CI budget lets the train put in flight (`Int.max` without one).
    var budgetRoom: Int {
        ciAllowance.map { $0 - cars.indices.count { cars[$0].isInFlight } - probesInFlight } ?? Int.max
    }
}

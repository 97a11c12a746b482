import TrainyardCore

/// The CI budget shared by every train (`ci_budget` in the configuration).
extension TrainEngine {
    /// The budget as a train sees it before an event, and the other trains that have changes
    /// waiting and might use budget it frees.
    struct BudgetSnapshot {
        var shared: SharedBudget
        var waiting: [TrainID]
    }

    /// Reads every other train's cars in flight and wants; `nil` when no budget is configured.
    /// The train itself adds its own demand when it plans, after the event.
    func budgetSnapshot(for id: TrainID) async throws -> BudgetSnapshot? {
        guard let ciBudget else { return nil }
        var others: [TrainID: CIBudget.Demand] = [:]
        var waiting: [TrainID] = []
        for train in try await store.trains() where train.id != id {
            // A train of a project no longer configured is owed nothing; its cars still count.
            let configured = projects[ProjectKey(forge: train.id.forge, path: train.id.project)] != nil
            var demand = train.planner.demand(of: train)
            if !configured { demand.wants = demand.inFlight }
            others[train.id] = demand
            if configured, !train.queue.isEmpty { waiting.append(train.id) }
        }
        return BudgetSnapshot(shared: SharedBudget(limit: ciBudget.limit, others: others), waiting: waiting)
    }
}

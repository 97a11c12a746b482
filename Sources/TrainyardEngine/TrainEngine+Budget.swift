import TrainyardCore

/// The CI budget shared by every train (`ci_budget` in the configuration).
extension TrainEngine {
    /// A train's allowance under the shared budget, and the other trains that have changes
    /// waiting and might use budget it frees.
    struct BudgetSnapshot {
        var allowance: Int
        var waiting: [TrainID]
    }

    /// Reads every train's cars in flight and wants; `nil` when no budget is configured.
    func budgetSnapshot(for id: TrainID) async throws -> BudgetSnapshot? {
        guard let ciBudget else { return nil }
        var demands: [TrainID: CIBudget.Demand] = [:]
        var waiting: [TrainID] = []
        for train in try await store.trains() {
            // A train of a project no longer configured is owed nothing; its cars still count.
            let configured = projects[ProjectKey(forge: train.id.forge, path: train.id.project)] != nil
            let inFlight = train.cars.count(where: \.isInFlight)
            let wants = configured ? train.settings.planner.carsWanted(train) : 0
            demands[train.id] = CIBudget.Demand(inFlight: inFlight, wants: max(inFlight, wants))
            if train.id != id, configured, !train.queue.isEmpty { waiting.append(train.id) }
        }
        if let project = projects[ProjectKey(forge: id.forge, path: id.project)] {
            // The train about to plan may want up to its own limit (the event may queue more);
            // that never takes from what the other trains are owed.
            let wants = project.train.planner.runsOneCar ? 1 : project.train.maxParallel
            demands[id] = CIBudget.Demand(inFlight: demands[id]?.inFlight ?? 0, wants: wants)
        }
        return BudgetSnapshot(allowance: ciBudget.allowance(for: id, demands), waiting: waiting)
    }
}

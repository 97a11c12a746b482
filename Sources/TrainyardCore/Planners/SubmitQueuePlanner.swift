/// `submitqueue`, Uber's SubmitQueue: probability-weighted speculation. Each change gets the car
/// that bets on the most likely outcome of the changes ahead of it, plus skip-variants that bet
/// one of them fails, ranked by the probability they are needed (from the train's failure rate);
/// the `maxParallel` most likely are kept in flight and the others cancelled.
struct SubmitQueuePlanner: Planner {
    var kind: PlannerKind { .submitqueue }
    var usesSubsets: Bool { true }

    func plan(for train: Train, held: Int) -> CarPlan {
        let stats = train.stats ?? PlannerStats()
        return CarPlan(
            cars: SpeculationTree.cars(
                for: train,
                budget: train.settings.maxParallel - train.cars.indices.count { train.cars[$0].isRerunning },
                good: 1 - stats.failureRate, suspectGood: 0.05))
    }
}

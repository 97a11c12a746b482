/// `serial`: one car at a time, holding one change (homu/bors without batching).
struct SerialPlanner: Planner {
    var kind: PlannerKind { .serial }
    var runsOneCar: Bool { true }

    func plan(for train: Train, held: Int) -> CarPlan { CarPlan(cars: train.queue.isEmpty ? [] : [[0]]) }

    func minimumSlots(maxParallel: Int) -> Int { 1 }
}

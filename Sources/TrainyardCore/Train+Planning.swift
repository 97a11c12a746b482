/// Planning over prefixes: cars for the next changes within the planner's window, landing of the
/// deepest passed prefix, and blame as the planner says (see ``PlannerKind``).
extension Train {
    /// Runs after every event: land what can land, blame what must be blamed, bring the cars in
    /// line with the queue, and post the statuses that changed.
    mutating func advance(_ actions: inout [TrainAction]) {
        var progressed = true
        while progressed {
            progressed = false
            realign(&actions)
            if blameFailedCar(&actions) { progressed = true }
        }
        startLanding(&actions)
        fillWindow(&actions)
        reportPositions(&actions)
    }

    /// Drops every car that no longer matches its prefix of the queue on the current target head,
    /// and every car behind it.
    mutating func realign(_ actions: inout [TrainAction]) {
        guard let head = targetHead else { return }
        var keep = 0
        for (k, car) in cars.enumerated() {
            guard car.base == head, k < queue.count, Train.sameChanges(car.changes, queue[...k]) else { break }
            keep += 1
        }
        guard keep < cars.count else { return }
        for car in cars[keep...] { drop(car, &actions) }
        cars.removeLast(cars.count - keep)
    }

    /// Cancels a car's pipeline and deletes its branch.
    func drop(_ car: Car, _ actions: inout [TrainAction]) {
        if let pipeline = car.pipeline, car.status == .testing {
            actions.append(.cancelPipeline(car: car.id, pipeline: pipeline))
        }
        actions.append(.deleteRef(car: car.id, ref: ref(for: car.id)))
    }

    static func sameChanges(_ lhs: [Change], _ rhs: ArraySlice<Change>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).allSatisfy { $0.number == $1.number && $0.head == $1.head }
    }

    /// A failed car blames its newest change when every car ahead of it has passed: then the
    /// changes ahead are known good together and the newest one broke the build. The `gitlab`
    /// planner blames at once instead, as GitLab does.
    mutating func blameFailedCar(_ actions: inout [TrainAction]) -> Bool {
        for (k, car) in cars.enumerated() where car.status == .failed {
            // A car ahead of the landing car is superseded: its changes land in the passed car.
            if let landing = landingIndex, k < landing { continue }
            let ahead = cars[..<k]
            let aheadPassed = ahead.allSatisfy { $0.status == .passed || $0.status == .landing }
            guard aheadPassed || !settings.planner.waitsForPredecessors else { return false }
            let blamed = car.newest
            let others = car.changes.dropLast().map(\.reference)
            let context: String
            if others.isEmpty {
                context = "with \(blamed.reference) alone on `\(id.target)` at \(car.base.short)"
            } else if aheadPassed {
                context =
                    "with \(Car.list(others)) ahead of it on `\(id.target)`, and the car without \(blamed.reference) passed"
            } else {
                context =
                    "with \(Car.list(others)) ahead of it on `\(id.target)`; the `gitlab` planner removes the newest "
                    + "change of a failed car at once, before the cars ahead of it finished"
            }
            remove(
                blamed.number, state: .failed,
                reason: "Removed from the merge train: \(car.failure ?? "the pipeline failed") in car \(car.id) "
                    + "\(context). Fix the failure and comment `\(settings.mergeCommand)` again.",
                &actions)
            return true
        }
        return false
    }

    /// Lands the deepest passed car that has no failed car ahead of it; one landing at a time.
    mutating func startLanding(_ actions: inout [TrainAction]) {
        guard landingIndex == nil, !fetchingTarget, pause == nil, let head = targetHead else { return }
        var candidate: Int?
        for (k, car) in cars.enumerated() {
            if car.status == .failed { break }
            if car.status == .passed { candidate = k }
        }
        guard let k = candidate, let commit = cars[k].commit else { return }
        cars[k].status = .landing
        actions.append(.land(car: cars[k].id, commit: commit, expected: head))
    }

    /// Starts new cars for the next changes of the queue, up to `maxParallel` cars in flight.
    mutating func fillWindow(_ actions: inout [TrainAction]) {
        guard let head = targetHead, !fetchingTarget, pause == nil else { return }
        while cars.count < min(queue.count, settings.planner.window(settings.maxParallel)) {
            let id = CarID(nextCar)
            nextCar += 1
            let changes = Array(queue[...cars.count])
            cars.append(Car(id: id, base: head, changes: changes))
            actions.append(.buildCar(car: id, ref: ref(for: id), base: head, changes: changes))
        }
    }
}

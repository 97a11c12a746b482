/// Planning over prefixes of the queue. Every car tests the target head plus a prefix of the
/// queue (car lengths differ; `cars` is kept in order of length). The planner chooses which
/// prefix lengths to test; the rules below are the same for all planners:
/// - landing: the longest passed car with no failed shorter car lands, with every change in it;
/// - blame: a failed car of length n blames the n-th change once the car of length n − 1 passed
///   (or n is 1) and every shorter car passed, unless the planner blames at once.
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

    /// Drops every car that is no longer a prefix of the queue on the current target head.
    mutating func realign(_ actions: inout [TrainAction]) {
        guard let head = targetHead else { return }
        let valid = cars.filter { car in
            car.base == head && car.changes.count <= queue.count
                && Train.sameChanges(car.changes, queue[..<car.changes.count])
        }
        guard valid.count < cars.count else { return }
        for car in cars where !valid.contains(where: { $0.id == car.id }) { drop(car, &actions) }
        cars = valid
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

    /// Blames the newest change of a failed car when the facts say it broke the build: the car
    /// one change shorter passed (or the car holds one change) and every shorter car passed. The
    /// `gitlab` planner blames at once instead, as GitLab does.
    mutating func blameFailedCar(_ actions: inout [TrainAction]) -> Bool {
        for (k, car) in cars.enumerated() where car.status == .failed {
            // A car shorter than the landing car is superseded: its changes land in the passed car.
            if let landing = landingIndex, k < landing { continue }
            let shorter = cars[..<k]
            let length = car.changes.count
            let aheadPassed =
                shorter.allSatisfy { $0.status == .passed || $0.status == .landing }
                && (length == 1 || shorter.contains { $0.changes.count == length - 1 })
            guard aheadPassed || !settings.planner.waitsForPredecessors else { continue }
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

    /// Lands the longest passed car that has no failed car shorter than it; one landing at a time.
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

    /// Starts cars for the prefix lengths the planner wants and no car covers yet.
    mutating func fillWindow(_ actions: inout [TrainAction]) {
        guard let head = targetHead, !fetchingTarget, pause == nil else { return }
        let have = Set(cars.map(\.changes.count))
        for length in settings.planner.lengths(for: self)
        where !have.contains(length) && (1...max(1, queue.count)).contains(length) && !queue.isEmpty {
            let id = CarID(nextCar)
            nextCar += 1
            let changes = Array(queue[..<length])
            let car = Car(id: id, base: head, changes: changes)
            cars.insert(car, at: cars.firstIndex { $0.changes.count > length } ?? cars.count)
            actions.append(.buildCar(car: id, ref: ref(for: id), base: head, changes: changes))
        }
    }
}

/// The `trainyard` commit status of each queued change: where it stands and what it waits for.
extension Train {
    /// Posts a status for every queued change whose state changed. GitLab refuses a second post
    /// of the same state ("Cannot transition status"), so a new position alone is not posted.
    mutating func reportPositions(_ actions: inout [TrainAction]) {
        for (index, change) in queue.enumerated() {
            let wanted = status(of: change, at: index)
            let last = reported[change.number]
            if last?.state != wanted.state || last?.head != wanted.head {
                reported[change.number] = wanted
                actions.append(
                    .setStatus(
                        change: change.number, head: change.head, state: wanted.state,
                        description: wanted.description))
            }
        }
    }

    func status(of change: Change, at index: Int) -> StatusReport {
        let place = "position \(index + 1) of \(queue.count) on \(id.target)"
        // The shortest car that holds the change speaks for it (cars are in order of length).
        guard let car = cars.first(where: { $0.changes.count > index }) else {
            return StatusReport(head: change.head, state: .pending, description: "Queued at \(place)")
        }
        switch car.status {
        case .building:
            return StatusReport(head: change.head, state: .pending, description: "Building car \(car.id), \(place)")
        case .starting where car.restarts > 0 || car.reruns > 0 || car.timeouts > 0:
            return StatusReport(
                head: change.head, state: .running, description: "Restarting the pipeline of car \(car.id), \(place)")
        case .starting:
            return StatusReport(
                head: change.head, state: .pending, description: "Starting the pipeline of car \(car.id), \(place)")
        case .testing:
            let pipeline = car.pipeline.map { " in pipeline #\($0)" } ?? ""
            return StatusReport(
                head: change.head, state: .running, description: "Testing car \(car.id)\(pipeline), \(place)")
        case .passed:
            return StatusReport(
                head: change.head, state: .running,
                description: "Car \(car.id) passed; merging after the cars ahead, \(place)")
        case .failed:
            return StatusReport(
                head: change.head, state: .running,
                description: "Car \(car.id) failed; waiting for the cars ahead before blaming, \(place)")
        case .landing:
            return StatusReport(head: change.head, state: .running, description: "Merging car \(car.id), \(place)")
        }
    }
}

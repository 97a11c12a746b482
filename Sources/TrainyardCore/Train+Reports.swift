/// The `trainyard` commit status of each queued change: where it stands and what it waits for.
extension Train {
    /// Posts a status for every queued change whose state changed. GitLab refuses a second post
    /// of the same state ("Cannot transition status"), so a new position alone is not posted.
    mutating func reportPositions(_ actions: inout [TrainAction]) {
        // The shortest car holding a change speaks for it (cars are in order of length); the
        // words are only put together when a state changed (this runs for every queued change
        // after every event).
        var speaker: [Int: Int] = [:]
        speaker.reserveCapacity(queue.count)
        for k in cars.indices {
            // A car that extends its parent or the car before it only brings the changes after
            // that car's.
            let from = sharedPrefix(of: k)
            for offset in from..<cars[k].changes.count where speaker[cars[k].changes[offset].number] == nil {
                speaker[cars[k].changes[offset].number] = k
            }
        }
        // By index: a loop over the queue would copy every change (its strings included).
        for index in queue.indices {
            let number = queue[index].number
            let last = reported[number]
            let state = speaker[number].map { Self.state(of: cars[$0]) } ?? .pending
            if let last, last.head == queue[index].head, last.state == state { continue }
            let change = queue[index]
            let wanted = status(of: change, at: index, car: speaker[number].map { cars[$0] })
            if last?.state != wanted.state || last?.head != wanted.head {
                reported[change.number] = wanted
                actions.append(
                    .setStatus(
                        change: change.number, head: change.head, state: wanted.state,
                        description: wanted.description))
            }
        }
    }

    /// The commit state a change shows while `car` (the shortest car holding it) speaks for it.
    static func state(of car: borrowing Car) -> CommitState {
        switch car.status {
        case .building: return .pending
        case .starting: return car.restarts > 0 || car.reruns > 0 || car.timeouts > 0 ? .running : .pending
        case .testing, .passed, .failed, .landing: return .running
        }
    }

    func status(of change: Change, at index: Int, car: Car?) -> StatusReport {
        let place = "position \(index + 1) of \(queue.count) on \(id.target)"
        guard let car else {
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

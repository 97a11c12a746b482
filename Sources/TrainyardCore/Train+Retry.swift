/// `retry`: run the failed car holding a queued change again, once, because somebody asked.
///
/// A car that failed waits in the train while the cars ahead of it finish (the blame waits for
/// them), and a planner with a flake budget re-runs it by itself; `retry` spends one more run on
/// it now. A change already removed for its failure is queued again by the engine instead (see
/// `TrainEngine+Commands.swift`), so this event is only about queued changes.
extension Train {
    mutating func carRetried(_ number: Int, by: String, _ actions: inout [TrainAction]) {
        guard position(of: number) != nil else {
            actions.append(
                .comment(
                    change: number,
                    body: "!\(number) is not on the merge train of `\(id.target)`, so there is no car to run again. "
                        + "Comment `\(settings.mergeCommand)` to queue it."))
            return
        }
        let failed = cars.indices.first { k in
            cars[k].status == .failed && cars[k].commit != nil && cars[k].pipeline != nil
                && cars[k].changes.contains { $0.number == number }
        }
        guard let index = failed, let pipeline = cars[index].pipeline else {
            actions.append(
                .comment(
                    change: number,
                    body: "!\(number) has no failed car to run again: \(statusText(of: number)) A car that "
                        + "fails is run again by `retry` while it waits for the cars ahead of it."))
            return
        }
        let car = cars[index]
        retry(index, retiring: pipeline, allowed: true, failure: car.failure ?? "", &actions)
        cars[index].failure = nil
        actions.append(
            .comment(
                change: number,
                body: "\(by) asked to run car \(car.id) (\(Car.list(car.changes.map(\.reference)))) again: "
                    + "\(car.failure ?? "its pipeline failed"). Its pipeline starts again; nothing else moves."))
    }
}

/// Events about the changes on a train: queued, taken off, updated, closed, merged elsewhere.
extension Train {
    /// Queues a change; returns the index in `actions` of the note that says so, for its ETA once
    /// the cars are planned (`nil` when the change was not newly queued).
    @discardableResult
    mutating func changeEnqueued(_ change: Change, _ actions: inout [TrainAction]) -> Int? {
        if let index = queue.firstIndex(where: { $0.number == change.number }) {
            let queued = queue[index]
            if queued.head == change.head {
                actions.append(
                    .comment(
                        change: change.number,
                        body: "\(change.reference) is already on the merge train of `\(id.target)` "
                            + "at position \(index + 1) of \(queue.count)."))
                return nil
            }
            if isLanding(change.number) {
                actions.append(.comment(change: change.number, body: tooLateMessage(change.number)))
                return nil
            }
            queue[index].head = change.head
            actions.append(
                .comment(
                    change: change.number,
                    body: "\(change.reference) stays at position \(index + 1) of \(queue.count) on the merge train "
                        + "of `\(id.target)` with its new head \(change.head.short); its cars are rebuilt."))
            return nil
        }
        if let landed = recentlyLanded.last(where: { $0.number == change.number }) {
            actions.append(
                .comment(
                    change: change.number,
                    body: "\(change.reference) already landed in `\(id.target)` as \(landed.commit.short); there is "
                        + "nothing to merge."))
            return nil
        }
        let index = insertionIndex(for: change)
        queue.insert(change, at: index)
        see(change.enqueuedAt)
        if planner.learnsFromHistory {
            stats = stats ?? PlannerStats()
            stats?.noteArrival(at: change.enqueuedAt.milliseconds)
        }
        let paused = pause.map { " The train is paused (\($0.reason)); it goes on when it is resumed." } ?? ""
        let ahead: String
        if change.skipLine && change.interruptsCars == false {
            ahead =
                " It skips the line without interrupting the cars in flight: only the changes they hold and "
                + "earlier skip-line changes go ahead of it."
        } else if change.skipLine {
            ahead = " It skips the line: only a car already landing and earlier skip-line changes go ahead of it."
        } else {
            ahead = ""
        }
        let note = actions.count
        actions.append(
            .comment(
                change: change.number,
                body: "Added \(change.reference) to the merge train of `\(id.target)` at position \(index + 1) of "
                    + "\(queue.count). Trainyard tests it merged on top of the changes ahead of it and merges "
                    + "exactly the tested commit when its pipeline passes.\(ahead)\(paused)"))
        if targetHead == nil { requestTarget(&actions) }
        return note
    }

    /// Ends the note that queued a change with its ETA, worked out after the cars were planned.
    mutating func addETA(toNote index: Int, _ actions: inout [TrainAction]) {
        guard actions.indices.contains(index), case .comment(let number, let body) = actions[index] else { return }
        let sentence = ETAText.sentence(eta(of: number), paused: pause != nil)
        actions[index] = .comment(change: number, body: body + " " + sentence)
    }

    mutating func changeDequeued(_ number: Int, by: String, _ actions: inout [TrainAction]) {
        guard position(of: number) != nil else {
            actions.append(.comment(change: number, body: "!\(number) is not on the merge train of `\(id.target)`."))
            return
        }
        if isLanding(number) {
            actions.append(.comment(change: number, body: tooLateMessage(number)))
            return
        }
        remove(number, state: .canceled, reason: "Removed from the merge train of `\(id.target)` by \(by).", &actions)
    }

    /// Moves a queued change to the place its new priority gives it. Only a change no car holds
    /// moves, and never ahead of a change a car holds, so no car is interrupted; a change in a
    /// car keeps its place (taking it off and queueing it again with `p=N` moves it).
    mutating func changeReprioritized(_ number: Int, priority: Int, by: String, _ actions: inout [TrainAction]) {
        guard let index = queue.firstIndex(where: { $0.number == number }) else {
            actions.append(.comment(change: number, body: "!\(number) is not on the merge train of `\(id.target)`."))
            return
        }
        if let car = cars.first(where: { $0.changes.contains { $0.number == number } }) {
            actions.append(
                .comment(
                    change: number,
                    body: "!\(number) is already in car \(car.id), so its place on the merge train of `\(id.target)` "
                        + "stays as it is. To move it, take it off and queue it again with `merge p=\(priority)`."))
            return
        }
        var change = queue.remove(at: index)
        change.priority = priority
        change.interruptsCars = false
        let place = insertionIndex(for: change)
        queue.insert(change, at: place)
        actions.append(
            .comment(
                change: number,
                body:
                    "\(by) gave !\(number) priority \(priority): it is now at position \(place + 1) of \(queue.count) "
                    + "on the merge train of `\(id.target)` (it was at \(index + 1))."))
    }

    mutating func changeUpdated(_ number: Int, head: SHA, _ actions: inout [TrainAction]) {
        guard let index = queue.firstIndex(where: { $0.number == number }), queue[index].head != head,
            !isLanding(number)
        else { return }
        let old = queue[index].head
        remove(
            number, state: .failed,
            reason: "New commits were pushed to !\(number) (\(old.short) → \(head.short)) while it was on the merge "
                + "train of `\(id.target)`; Trainyard only merges the head that was queued. Comment `\(settings.mergeCommand)` to "
                + "queue the new head.",
            &actions)
    }

    mutating func changeClosed(_ number: Int, _ actions: inout [TrainAction]) {
        guard position(of: number) != nil, !isLanding(number) else { return }
        remove(
            number, state: .canceled,
            reason: "!\(number) was closed, so it left the merge train of `\(id.target)`.", &actions)
    }

    mutating func changeMerged(_ number: Int, _ actions: inout [TrainAction]) {
        guard position(of: number) != nil, !isLanding(number) else { return }
        remove(
            number, state: .canceled,
            reason: "!\(number) was merged outside the merge train of `\(id.target)`, so it left the train.",
            &actions)
    }

    /// Where a new change goes: behind every change of the same or a higher priority (skip-line
    /// changes rank above all), and never ahead of the changes of a car that is landing, nor,
    /// for a change that does not interrupt cars, of any change a car holds. Cars ahead of that
    /// place stay valid and keep running.
    func insertionIndex(for change: Change) -> Int {
        let held =
            change.interruptsCars == false
            ? Set(cars.flatMap { $0.changes.map(\.number) })
            : Set(landingIndex.map { cars[$0].changes.map(\.number) } ?? [])
        let floor = (queue.lastIndex { held.contains($0.number) } ?? -1) + 1
        let rank = Self.rank(change)
        let after = queue.lastIndex { Self.rank($0) >= rank }.map { $0 + 1 } ?? 0
        return min(max(floor, after), queue.count)
    }

    static func rank(_ change: Change) -> Int { change.skipLine ? Int.max : change.priority }

    /// Whether the change is in the car that is being landed right now (too late to take it off).
    func isLanding(_ number: Int) -> Bool {
        guard let index = landingIndex else { return false }
        return cars[index].changes.contains { $0.number == number }
    }

    func tooLateMessage(_ number: Int) -> String {
        "!\(number) is being merged into `\(id.target)` right now; it is too late to change it on the train."
    }

    mutating func requestTarget(_ actions: inout [TrainAction]) {
        guard !fetchingTarget else { return }
        fetchingTarget = true
        actions.append(.fetchTarget)
    }

    /// Takes a change off the queue, posts its final status and a note with the reason. The cars
    /// that held it are dropped by the next realignment.
    /// A change in the car being landed is never removed: its landing is already under way.
    mutating func remove(_ number: Int, state: CommitState, reason: String, _ actions: inout [TrainAction]) {
        guard let index = queue.firstIndex(where: { $0.number == number }), !isLanding(number) else { return }
        let change = queue.remove(at: index)
        reported[number] = nil
        actions.append(
            .setStatus(change: number, head: change.head, state: state, description: String(reason.prefix(255))))
        actions.append(.comment(change: number, body: reason))
    }
}

/// Suspects (`adaptive`): changes whose car or probe failed. The cars behind a suspect may leave
/// it out, and the train lands them around it rather than let a change that is probably bad
/// hold up the good ones behind it; the suspect stays queued and is tested again on the new
/// target.
///
/// When a suspect's own car then passes (the failure was a flake), the cars that left it out are
/// still good bets on the other changes: dropping them would restart everything behind the
/// suspect, a whole pipeline lost for a long queue. So while a car that leaves the suspect out
/// and was built before the passed car was halfway through its run still runs, the suspect is
/// held back: nothing holding it lands, and the speculation tree keeps treating it as a suspect.
/// Cars built later are young: they are dropped, and the suspect lands.
extension Train {
    /// The failing changes: the newest change of a failed car (without a live twin) or of a car
    /// being run again, and (with probes) every change whose probe failed and was not overruled
    /// by a passed car, or that is held back.
    func failingChanges(heldBack: [Int: Int] = [:]) -> Set<Int> {
        var failing = failedCarChanges
        for (number, passed) in probeVerdicts where !passed { failing.insert(number) }
        failing.formUnion(heldBack.keys)
        return failing
    }

    /// The newest change of every failed car (without a live twin) and of every car being run again.
    private var failedCarChanges: Set<Int> {
        var numbers: Set<Int> = []
        for k in cars.indices where (cars[k].status == .failed && !hasLiveTwin(cars[k])) || cars[k].isRerunning {
            numbers.insert(cars[k].changes[cars[k].changes.count - 1].number)
        }
        return numbers
    }

    /// Marks the failed probes of the changes a passed car holds as overruled: the changes passed
    /// with others, so the probes met flakes.
    mutating func overruleProbes(of car: Car) {
        guard let current = probes, current.contains(where: { $0.status == .failed && $0.pipeline != nil }) else {
            return
        }
        var heads: [Int: SHA] = [:]
        for change in car.changes { heads[change.number] = change.head }
        for k in current.indices where current[k].status == .failed && current[k].pipeline != nil {
            if heads[current[k].newest.number] == current[k].newest.head { probes?[k].overruled = true }
        }
    }

    /// Whether the car holds the queue in order, leaving out only changes in `failing`, up to its
    /// last change.
    func holdsQueue(_ car: Car, skipping failing: Set<Int>) -> Bool {
        var index = 0
        for change in car.changes {
            while index < queue.count, queue[index].number != change.number {
                guard failing.contains(queue[index].number) else { return false }
                index += 1
            }
            guard index < queue.count, queue[index].head == change.head else { return false }
            index += 1
        }
        return true
    }

    /// The longest passed car that holds the queue without some failing changes, and holds no
    /// change that is `heldBack`.
    func passedCarSkippingFailingChanges(heldBack: [Int: Int] = [:]) -> Int? {
        guard cars.indices.contains(where: { cars[$0].status == .passed }) else { return nil }
        var failing = failingChanges(heldBack: heldBack)
        // A suspect proven good since can still be left out by a car that bet against it.
        for probe in probes ?? [] where probe.overruled == true { failing.insert(probe.newest.number) }
        guard !failing.isEmpty else { return nil }
        var best: Int?
        for k in cars.indices where cars[k].status == .passed {
            if !heldBack.isEmpty, cars[k].changes.contains(where: { heldBack[$0.number] != nil }) { continue }
            if holdsQueue(cars[k], skipping: failing),
                best.map({ cars[$0].changes.count < cars[k].changes.count }) ?? true
            {
                best = k
            }
        }
        return best
    }

    /// The suspects that a running car leaves out while a car holding the suspect passed, if the
    /// running car was built before the passed one was halfway through its run; each with its
    /// index in the queue (with probes only). When the running car passes, it lands around the
    /// suspect if it holds more changes than the queue's passed prefix (see `startLanding`).
    var heldBackByBets: [Int: Int] {
        guard probesAllowed else { return [:] }
        // Every suspect, including those whose failed probe a passed car overruled since.
        var failing = failedCarChanges
        if let probes {
            for k in probes.indices where probes[k].status == .failed && probes[k].pipeline != nil {
                failing.insert(probes[k].changes[0].number)
            }
        }
        guard !failing.isEmpty else { return [:] }
        // A car that leaves a suspect out counts if it was built before the car holding the
        // suspect that passed was halfway through its run: it is at least halfway through its own.
        var builtBy: [Int: Int64] = [:]
        // By index throughout: a loop over the cars would copy each one.
        for k in cars.indices where cars[k].status == .passed || cars[k].status == .landing {
            guard let built = cars[k].builtAt?.milliseconds, let passed = cars[k].passedAt?.milliseconds else {
                continue
            }
            let halfway = built + (passed - built) / 2
            for offset in cars[k].changes.indices where failing.contains(cars[k].changes[offset].number) {
                let number = cars[k].changes[offset].number
                builtBy[number] = max(builtBy[number] ?? halfway, halfway)
            }
        }
        // Most of the time no passed car holds a suspect: the queue's positions are only needed
        // when one does.
        guard !builtBy.isEmpty else { return [:] }
        var position: [Int: Int] = [:]
        position.reserveCapacity(queue.count)
        for index in queue.indices { position[queue[index].number] = index }
        let proven = builtBy.compactMap { number, limit in position[number].map { (number, $0, limit) } }
        guard !proven.isEmpty else { return [:] }
        var held: [Int: Int] = [:]
        for k in cars.indices where cars[k].isInFlight {
            guard let newest = cars[k].changes.last?.number, let last = position[newest],
                let built = cars[k].builtAt?.milliseconds
            else { continue }
            for (number, index, limit) in proven where index < last && built <= limit && held[number] == nil {
                if !Self.holds(cars[k].changes, number, at: index, position) { held[number] = index }
            }
        }
        return held
    }

    /// Whether a car's `changes` hold change `number`, at `index` in the queue: they are in queue
    /// order, so a binary search over their positions finds it (a change no longer queued, which a
    /// car holds only until it is realigned, falls back to a scan).
    static func holds(_ changes: [Change], _ number: Int, at index: Int, _ position: [Int: Int]) -> Bool {
        var low = 0
        var high = changes.count
        while low < high {
            let middle = (low + high) / 2
            guard let at = position[changes[middle].number] else { return changes.contains { $0.number == number } }
            if at == index { return changes[middle].number == number }
            if at < index { low = middle + 1 } else { high = middle }
        }
        return false
    }
}

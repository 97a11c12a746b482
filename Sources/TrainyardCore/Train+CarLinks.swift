/// Car links: every car remembers the car it extended when it was built (``Car/parent``), so the
/// passes that run after every event skip the changes a car shares with a shorter car instead of
/// comparing them again. On a monorepo train, where hundreds of cars each hold most of a long
/// queue, those comparisons were most of the planner's time.
///
/// A link is only a hint: while the car it names is in the train, the car starts with it (car
/// ids are never reused, and a landing strips the same changes from both); once that car is gone,
/// the passes compare changes as before.
extension Train {
    /// The longest car that `changes` start with (and extend), to be a new car's parent.
    func longestCar(extendedBy changes: [Change]) -> CarID? {
        var best: (id: CarID, count: Int)?
        for k in cars.indices {
            let count = cars[k].changes.count
            guard count > (best?.count ?? 0), count < changes.count,
                cars[k].changes[count - 1].number == changes[count - 1].number,
                Car.starts(changes, with: cars[k].changes[...])
            else { continue }
            best = (cars[k].id, count)
        }
        return best?.id
    }

    /// The index of the car that car `k` was built on, when it is still in the train. Cars are in
    /// order of length, so it comes before `k`, and it is nearly always one of the few cars just
    /// before: only those are looked at (a link not found is only a comparison not saved).
    func parentIndex(of k: Int) -> Int? {
        guard let parent = cars[k].parent else { return nil }
        var j = k - 1
        while j >= max(0, k - Self.linkReach) {
            if cars[j].id == parent { return j }
            j -= 1
        }
        return nil
    }

    /// How far back ``parentIndex(of:)`` looks.
    static let linkReach = 16

    /// For each car, whether it holds exactly the first changes of the queue. A car whose parent
    /// is found only has its own changes compared, and is not a queue prefix when its parent is not.
    func queuePrefixFlags() -> [Bool] {
        var flags: [Bool] = []
        flags.reserveCapacity(cars.count)
        for k in cars.indices {
            let count = cars[k].changes.count
            var from = 0
            var prefix = count <= queue.count
            if prefix, let p = parentIndex(of: k) {
                prefix = flags[p]
                from = cars[p].changes.count
            }
            if prefix {
                for offset in from..<count
                where cars[k].changes[offset].number != queue[offset].number
                    || cars[k].changes[offset].head != queue[offset].head
                {
                    prefix = false
                    break
                }
            }
            flags.append(prefix)
        }
        return flags
    }

    /// How many changes at the start of car `k` a car before it already holds: its parent's,
    /// when found, else those of the car just before it, when it starts with that car.
    func sharedPrefix(of k: Int) -> Int {
        if let p = parentIndex(of: k) { return cars[p].changes.count }
        guard k > 0, Car.starts(cars[k].changes, with: cars[k - 1].changes[...]) else { return 0 }
        return cars[k - 1].changes.count
    }
}

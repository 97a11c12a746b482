/// Car links: every car remembers the car it extended when it was built (``Car/parent``), so the
/// passes that run after every event skip the changes a car shares with a shorter car instead of
/// comparing them again. On a monorepo train, where hundreds of cars each hold most of a long
/// queue, those comparisons were most of the planner's time.
///
/// A link is only a hint: while the car it names is in the train, the car starts with it (car
/// ids are never reused, and a landing strips the same changes from both); once that car is gone,
/// the passes compare changes as before.
extension Train {
    /// The longest car that `changes` start with (and extend), to be a new car's parent. Cars are
    /// in order of length, so the longest is found first: a car is compared change by change only
    /// when its key is the key of a prefix of `changes`.
    func longestCar(extendedBy changes: [Change]) -> CarID? {
        guard changes.count > 1 else { return nil }
        var prefixKeys: [CarKey] = []
        prefixKeys.reserveCapacity(changes.count - 1)
        var key = CarKey()
        for change in changes.dropLast() {
            key = key.appending(change.number)
            prefixKeys.append(key)
        }
        func extends(_ k: Int) -> Bool {
            let count = cars[k].changes.count
            return count > 0 && count < changes.count && cars[k].key == prefixKeys[count - 1]
                && Car.starts(changes, with: cars[k].changes[...])
        }
        guard var found = cars.indices.reversed().first(where: extends) else { return nil }
        // Of copies of the same changes (replicas), the first.
        while found > 0, cars[found - 1].changes.count == cars[found].changes.count, extends(found - 1) { found -= 1 }
        return cars[found].id
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

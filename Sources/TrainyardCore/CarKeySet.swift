/// A set of cars' contents (their change numbers in order), for the planners' per-event checks
/// of which cars exist and which are wanted.
///
/// A `Set<[Int]>` hashes every number of every car with SipHash on every event; with hundreds of
/// cars of hundreds of changes (a monorepo train) that dominated the planner's time. This set
/// buckets cars by a cheap multiplicative fingerprint and compares the numbers exactly within a
/// bucket, so it answers exactly what `Set<[Int]>` would.
struct CarKeySet {
    private var buckets: [UInt64: [[Int]]] = [:]

    init() {}

    init<S: Sequence>(_ cars: S) where S.Element == [Int] {
        for car in cars { insert(car) }
    }

    mutating func insert(_ numbers: [Int]) {
        let key = Self.fingerprint(numbers)
        if buckets[key]?.contains(numbers) == true { return }
        buckets[key, default: []].append(numbers)
    }

    func contains(_ numbers: [Int]) -> Bool {
        buckets[Self.fingerprint(numbers)]?.contains(numbers) ?? false
    }

    /// A 64-bit FNV-1a style fold of the numbers and their count.
    static func fingerprint(_ numbers: [Int]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(numbers.count)
        for number in numbers { hash = (hash ^ UInt64(bitPattern: Int64(number))) &* 0x0000_0100_0000_01b3 }
        return hash
    }
}

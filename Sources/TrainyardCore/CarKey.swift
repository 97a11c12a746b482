/// A car's contents (its change numbers in order) as their count, the newest number and a 64-bit
/// fold of all of them, for the checks of which cars run, hold results or are wanted.
///
/// The fold extends one number at a time, so the tree keys each primary car from the one before
/// it instead of listing hundreds of changes per car (that made planning quadratic in the queue's
/// length on a monorepo train). Two different lists of the same length and newest change share a
/// key with a chance of about 2⁻⁶⁴; a false match only makes the tree skip or keep one bet, it
/// cannot land anything (landing and blame read the cars themselves).
public struct CarKey: Hashable, Codable, Sendable {
    private(set) var count = 0
    private(set) var newest = 0
    private(set) var fold: UInt64 = 0x9E37_79B9_7F4A_7C15

    init() {}

    init<S: Sequence>(_ numbers: S) where S.Element == Int {
        for number in numbers { self = appending(number) }
    }

    /// The key of the list with `number` added at its end.
    func appending(_ number: Int) -> CarKey {
        var key = self
        key.count += 1
        key.newest = number
        // SplitMix64's finalizer over the running fold and the number.
        var z = (fold ^ UInt64(bitPattern: Int64(number))) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        key.fold = z ^ (z >> 31)
        return key
    }
}

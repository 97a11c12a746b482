/// Comparison of secrets whose running time does not depend on where they differ.
public enum ConstantTime {
    /// Whether `lhs` and `rhs` are equal, looking at every byte of the longer one whatever the
    /// contents, so that timing reveals at most the length.
    public static func equals(_ lhs: some StringProtocol, _ rhs: some StringProtocol) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let count = max(a.count, b.count)
        for index in 0..<count {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0 && a.count == b.count
    }
}

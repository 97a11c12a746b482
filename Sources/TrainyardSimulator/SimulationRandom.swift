import Foundation

/// A small seeded random number generator (SplitMix64): the same seed gives the same run on every
/// machine, which `RandomNumberGenerator`s of the standard library do not promise.
public struct SimulationRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// `true` with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { p > 0 && unit() < p }

    /// An exponentially distributed value with the given mean.
    public mutating func exponential(mean: Double) -> Double { -mean * log(1 - unit()) }

    /// A standard normal value (Box–Muller).
    public mutating func normal() -> Double {
        let u = max(unit(), 1e-300)
        return sqrt(-2 * log(u)) * cos(2 * Double.pi * unit())
    }

    /// A log-normal value with the given mean and coefficient of variation (σ/μ); `cv` 0 gives the
    /// mean itself.
    public mutating func logNormal(mean: Double, cv: Double) -> Double {
        guard cv > 0 else { return mean }
        let sigma2 = log(1 + cv * cv)
        return exp(log(mean) - sigma2 / 2 + sqrt(sigma2) * normal())
    }

    /// A generator for an independent stream derived from this seed (flakes, durations, arrivals
    /// each draw from their own, so one planner's choices do not shift another's workload).
    public static func stream(_ seed: UInt64, _ name: UInt64) -> SimulationRandom {
        var mixer = SimulationRandom(seed: seed ^ (name &* 0xD1B5_4A32_D192_ED03))
        return SimulationRandom(seed: mixer.next())
    }
}

import Foundation
import TrainyardCore

/// The wall clock the engine reads. For tests of the real binary only, `TRAINYARD_CLOCK_START`
/// (an ISO 8601 instant) and `TRAINYARD_CLOCK_RATE` (how many clock seconds pass per real second)
/// start it elsewhere and run it faster, so that schedules cross a slot, a day or a DST edge in
/// seconds. `TRAINYARD_CLOCK_ANCHOR` (an ISO 8601 instant) is the real time at which the clock
/// read its start (by default, when the process started): replicas under test given the same
/// anchor keep the same fast clock. None of these is meant for production.
struct ServiceClock: Sendable {
    let start: Instant
    let realStart: Date
    let rate: Int64

    /// The clock the environment asks for; the real one when it asks for none.
    init(environment: [String: String]) throws {
        if let text = environment["TRAINYARD_CLOCK_ANCHOR"] {
            guard let date = try? Date(text, strategy: .iso8601) else {
                throw ValidationFailure("TRAINYARD_CLOCK_ANCHOR `\(text)` is not an ISO 8601 instant")
            }
            realStart = date
        } else {
            realStart = Date()
        }
        let now = Instant(milliseconds: Int64(realStart.timeIntervalSince1970 * 1000))
        if let text = environment["TRAINYARD_CLOCK_START"] {
            guard let date = try? Date(text, strategy: .iso8601) else {
                throw ValidationFailure("TRAINYARD_CLOCK_START `\(text)` is not an ISO 8601 instant")
            }
            start = Instant(milliseconds: Int64(date.timeIntervalSince1970 * 1000))
        } else {
            start = now
        }
        if let text = environment["TRAINYARD_CLOCK_RATE"] {
            guard let rate = Int64(text), (1...100_000).contains(rate) else {
                throw ValidationFailure("TRAINYARD_CLOCK_RATE `\(text)` is not a whole number 1–100000")
            }
            self.rate = rate
        } else {
            rate = 1
        }
    }

    var isReal: Bool { rate == 1 && abs(start.milliseconds - Int64(realStart.timeIntervalSince1970 * 1000)) < 1000 }

    /// The time now on this clock.
    var read: @Sendable () -> Instant {
        let start = start
        let realStart = realStart
        let rate = rate
        return {
            let elapsed = Int64(Date().timeIntervalSince(realStart) * 1000)
            return start.adding(milliseconds: elapsed * rate)
        }
    }
}

import struct Foundation.Date
import struct Foundation.TimeZone

/// The rules of one IANA time zone: its offset from UTC at any instant.
///
/// The rules are data compiled into the Swift toolchain (ICU's zone tables, through Foundation's
/// `TimeZone`), not read from the machine, so a schedule fires the same on every server whatever
/// its own zone. New rules arrive with a new toolchain.
public struct ZoneRules: Hashable, Sendable, CustomStringConvertible {
    public let identifier: String
    private let zone: TimeZone

    /// The zone named `identifier` (`Europe/Berlin`, `UTC`); `nil` when there is none by that name.
    public init?(identifier: String) {
        guard !identifier.isEmpty, let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.zone = zone
    }

    public static let utc = ZoneRules(identifier: "UTC")!

    /// Seconds east of UTC at `instant` (`+3600` for Berlin in winter).
    public func offsetSeconds(at instant: Instant) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant.milliseconds) / 1000))
    }

    /// The wall-clock time at `instant`.
    public func civil(at instant: Instant) -> CivilTime {
        CivilTime(localSeconds: Self.floorSeconds(instant) + Int64(offsetSeconds(at: instant)))
    }

    /// `2026-03-29T03:00:00+02:00`: the wall-clock time at `instant` with its offset.
    public func localText(at instant: Instant) -> String {
        let offset = offsetSeconds(at: instant)
        let sign = offset < 0 ? "-" : "+"
        let hours = abs(offset) / 3600
        let minutes = abs(offset) / 60 % 60
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return "\(civil(at: instant))\(sign)\(two(hours)):\(two(minutes))"
    }

    public var description: String { identifier }

    public static func == (lhs: ZoneRules, rhs: ZoneRules) -> Bool { lhs.identifier == rhs.identifier }
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }

    static func floorSeconds(_ instant: Instant) -> Int64 { CivilTime.floorDiv(instant.milliseconds, 1000) }
}

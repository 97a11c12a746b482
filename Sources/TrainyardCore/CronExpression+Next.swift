/// When an expression fires in a time zone, with the daylight-saving rules Trainyard promises:
///
/// - a wall-clock time that does not exist (the clock springs forward over it) fires once, at the
///   first minute after the gap: `30 2 * * *` in Europe/Berlin fires at 03:00 CEST on the last
///   Sunday of March; several such times of one gap fire once between them;
/// - a wall-clock time that happens twice (the clock falls back over it) fires once, at its first
///   occurrence: `30 2 * * *` fires at 02:30 CEST on the last Sunday of October, not again at
///   02:30 CET.
extension CronExpression {
    /// How far ahead a fire time is looked for: enough for the rarest expression that can fire
    /// (29 February, which may be eight years away).
    static let searchDays: Int64 = 366 * 9

    /// The first instant after `instant` at which the expression fires in `zone`; `nil` when it
    /// never fires (see ``canEverFire``).
    public func nextFire(after instant: Instant, in zone: ZoneRules) -> Instant? {
        guard canEverFire else { return nil }
        let afterSeconds = ZoneRules.floorSeconds(instant)
        let localNow = afterSeconds + Int64(zone.offsetSeconds(at: instant))
        let firstDay = CivilTime.floorDiv(localNow, 86_400)
        let hourValues = hours.values
        let minuteValues = minutes.values
        for dayNumber in firstDay..<(firstDay + Self.searchDays) {
            let date = CivilTime.civil(fromDays: dayNumber)
            guard matches(year: date.year, month: date.month, day: date.day) else { continue }
            for hour in hourValues where dayNumber * 86_400 + Int64(hour * 3600 + 3599) >= localNow {
                for minute in minuteValues {
                    let local = dayNumber * 86_400 + Int64(hour * 3600 + minute * 60)
                    // A wall-clock time before now never maps to a later instant (the mapping
                    // keeps order), so it needs no zone lookup.
                    if local < localNow { continue }
                    let fire = Self.firstInstant(ofLocal: local, in: zone)
                    if fire.milliseconds > instant.milliseconds { return fire }
                }
            }
        }
        return nil
    }

    /// The next `count` fire times after `instant` (fewer when it stops firing).
    public func nextFires(after instant: Instant, in zone: ZoneRules, count: Int) -> [Instant] {
        var fires: [Instant] = []
        var cursor = instant
        while fires.count < count, let next = nextFire(after: cursor, in: zone) {
            fires.append(next)
            cursor = next
        }
        return fires
    }

    /// The instant a wall-clock time stands for in `zone`: its first occurrence when it happens
    /// twice, the end of the gap when it does not exist.
    public static func firstInstant(ofLocal local: Int64, in zone: ZoneRules) -> Instant {
        let nearby = [local - 129_600, local + 129_600].map { zone.offsetSeconds(at: Instant(seconds: $0)) }
        var offsets = Set(nearby)
        for offset in nearby { offsets.insert(zone.offsetSeconds(at: Instant(seconds: local - Int64(offset)))) }
        let candidates = offsets.map { local - Int64($0) }
        let valid = candidates.filter { candidate in
            Int64(zone.offsetSeconds(at: Instant(seconds: candidate))) == local - candidate
        }
        if let first = valid.min() { return Instant(seconds: first) }
        // A gap: the clock jumped over `local`. The jump happened between the earliest and the
        // latest reading of it; find the second it happened.
        guard var low = candidates.min(), var high = candidates.max(), low < high else {
            return Instant(seconds: local)
        }
        let before = zone.offsetSeconds(at: Instant(seconds: low))
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if zone.offsetSeconds(at: Instant(seconds: middle)) == before { low = middle } else { high = middle }
        }
        return Instant(seconds: high)
    }
}

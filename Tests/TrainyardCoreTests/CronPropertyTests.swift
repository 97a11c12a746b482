import Foundation
import Testing
import TrainyardCore

/// `nextFire` against a brute-force scan that walks every UTC minute, reads the wall clock, and
/// applies the DST rules literally: a matching wall-clock minute fires the first time the clock
/// shows it, and a matching minute the clock jumped over fires at the first minute after the jump.
///
/// Random expressions in random zones over random windows; `TRAINYARD_CRON_CASES` sets how many
/// (60 windows of 40 days, about six and a half years of minutes, by default).
struct CronPropertyTests {
    static let zones = [
        "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia", "UTC", "Asia/Kolkata",
        "America/Sao_Paulo", "America/Havana", "Europe/London", "Asia/Tehran", "Africa/Casablanca",
        "Pacific/Chatham", "America/St_Johns",
    ]

    @Test("nextFire agrees with a minute-by-minute scan")
    func agreesWithScan() throws {
        let cases = Int(ProcessInfo.processInfo.environment["TRAINYARD_CRON_CASES"] ?? "") ?? 60
        var random = SplitMix64(seed: 0xC40)
        var scannedMinutes: Int64 = 0
        for index in 0..<cases {
            let text = Self.randomExpression(&random)
            let expression = try CronExpression(text)
            let zone = try #require(ZoneRules(identifier: Self.zones[index % Self.zones.count]))
            // Windows start between 2005 and 2032, and a third of them straddle a DST change in March/October.
            let year = Int.random(in: 2005...2032, using: &random)
            let month = index % 3 == 0 ? [3, 10][index % 2] : Int.random(in: 1...12, using: &random)
            let start = Instant(
                seconds: CivilTime(year: year, month: month, day: Int.random(in: 1...28, using: &random)).localSeconds
                    + Int64.random(in: 0..<86_400, using: &random))
            let end = start.adding(milliseconds: 40 * 86_400_000)
            let expected = Self.scan(expression, zone: zone, after: start, until: end)
            var actual: [Instant] = []
            var cursor = start
            while let next = expression.nextFire(after: cursor, in: zone), next < end {
                actual.append(next)
                cursor = next
            }
            scannedMinutes += 40 * 1440
            if actual != expected {
                let index = Array(zip(actual, expected)).firstIndex { $0 != $1 } ?? min(actual.count, expected.count)
                let shown = { (fires: [Instant]) in
                    fires.dropFirst(index).prefix(1).map { ZoneRules.utc.civil(at: $0).description }.first ?? "none"
                }
                Issue.record(
                    "\(text) in \(zone) from \(ZoneRules.utc.civil(at: start))Z: fire \(index) is \(shown(actual))Z, the scan says \(shown(expected))Z"
                )
                return
            }
        }
        #expect(scannedMinutes >= Int64(cases) * 40 * 1440)
    }

    /// Every fire time in `(after, until)`, found by reading the clock once a minute.
    static func scan(_ expression: CronExpression, zone: ZoneRules, after: Instant, until: Instant) -> [Instant] {
        var fires: [Instant] = []
        var seen = Set<Int64>()
        var previous: Int64?
        // Start two days early so that wall-clock minutes already shown before `after` count as seen.
        var minute = (after.seconds / 60 - 2 * 1440) * 60
        while minute < until.seconds {
            let instant = Instant(seconds: minute)
            let local = minute + Int64(zone.offsetSeconds(at: instant))
            var fire = false
            if let previous, local - previous > 60 {
                for skipped in stride(from: previous + 60, to: local, by: 60)
                where expression.matches(CivilTime(localSeconds: skipped)) {
                    fire = true
                }
            }
            if !seen.contains(local), expression.matches(CivilTime(localSeconds: local)) { fire = true }
            seen.insert(local)
            previous = local
            if fire, instant > after { fires.append(instant) }
            minute += 60
        }
        return fires
    }

    /// A random expression: stars, values, ranges, steps, lists and names in every field.
    static func randomExpression(_ random: inout SplitMix64) -> String {
        func field(_ low: Int, _ high: Int, names: [String] = [], dense: Bool) -> String {
            switch Int.random(in: 0..<(dense ? 6 : 8), using: &random) {
            case 0: return "*"
            case 1: return "*/\(Int.random(in: 2...max(2, (high - low) / 2), using: &random))"
            case 2:
                let a = Int.random(in: low...high, using: &random)
                let b = Int.random(in: a...high, using: &random)
                return "\(a)-\(b)"
            case 3:
                let a = Int.random(in: low...high, using: &random)
                return "\(a)-\(high)/\(Int.random(in: 2...4, using: &random))"
            case 4 where !names.isEmpty:
                return names[Int.random(in: 0..<names.count, using: &random)]
            case 5: return "*"
            default:
                let count = Int.random(in: 1...3, using: &random)
                return (0..<count).map { _ in String(Int.random(in: low...high, using: &random)) }.joined(
                    separator: ",")
            }
        }
        let minute = field(0, 59, dense: false)
        let hour = field(0, 23, dense: true)
        let day = field(1, 31, dense: true)
        let month =
            Int.random(in: 0..<3, using: &random) == 0 ? field(1, 12, names: ["JAN", "MAR", "OCT"], dense: true) : "*"
        let weekday = field(0, 7, names: ["MON", "FRI", "SUN"], dense: true)
        return "\(minute) \(hour) \(day) \(month) \(weekday)"
    }
}

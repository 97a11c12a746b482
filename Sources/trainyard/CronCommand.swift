import ArgumentParser
import Foundation
import TrainyardCore

/// `trainyard cron next "EXPR" --time-zone ZONE`: when an expression fires, to check it before it
/// goes into a schedule.
struct CronCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron", abstract: "Check cron expressions the way schedules read them.",
        subcommands: [Next.self])

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the next fire times of a cron expression in a time zone.",
            discussion: """
                One line per fire time: the UTC instant, two spaces, the local time with its offset.
                A local time the clock skips (spring forward) fires at the first minute after the gap;
                one that happens twice (fall back) fires at its first occurrence.
                """)

        @Argument(help: "Five fields (minute hour day-of-month month day-of-week) or @hourly/@daily/…")
        var expression: String

        @Option(help: "An IANA time zone, such as Europe/Berlin or UTC.")
        var timeZone: String

        @Option(
            help: ArgumentHelp(
                "Start after this time: ISO 8601 with Z or an offset, or a local time in the zone (default: now).",
                valueName: "ISO-8601"))
        var after: String?

        @Option(help: "How many fire times to print.")
        var count = 5

        func run() throws {
            print(
                try lines(now: Instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))).joined(
                    separator: "\n"))
        }

        /// The lines the command prints.
        func lines(now: Instant) throws -> [String] {
            guard let zone = ZoneRules(identifier: timeZone) else {
                throw ValidationFailure(
                    "unknown time zone '\(timeZone)': use an IANA name such as Europe/Berlin, America/New_York or UTC")
            }
            guard (1...10_000).contains(count) else { throw ValidationFailure("--count must be 1–10000, not \(count)") }
            let cron: CronExpression
            do { cron = try CronExpression(expression) } catch {
                throw ValidationFailure("bad cron expression: \(error)")
            }
            guard cron.canEverFire else {
                throw ValidationFailure("'\(expression)' never fires: no date matches its day and month fields")
            }
            let start = try after.map { try Self.instant($0, zone: zone) } ?? now
            return cron.nextFires(after: start, in: zone, count: count).map {
                "\(ZoneRules.utc.civil(at: $0))Z  \(zone.localText(at: $0))"
            }
        }

        /// Reads `--after`: an instant with `Z` or an offset, else a wall-clock time in `zone`.
        static func instant(_ text: String, zone: ZoneRules) throws -> Instant {
            if let date = try? Date(text, strategy: .iso8601) {
                return Instant(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
            }
            let numbers = text.split(whereSeparator: { $0 == "-" || $0 == "T" || $0 == ":" || $0 == " " })
                .map { Int($0) }
            guard numbers.count >= 3, numbers.count <= 6, numbers.allSatisfy({ $0 != nil }) else {
                throw ValidationFailure(
                    "--after '\(text)' is not ISO 8601: write 2026-03-29T02:30:00Z, 2026-03-29T04:30:00+02:00 or 2026-03-29T04:30 (local)"
                )
            }
            let parts = numbers.map { $0! } + Array(repeating: 0, count: 6 - numbers.count)
            let time = CivilTime(
                year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4], second: parts[5])
            guard (1...12).contains(time.month),
                (1...CivilTime.daysIn(month: time.month, year: time.year)).contains(time.day),
                (0...23).contains(time.hour), (0...59).contains(time.minute), (0...59).contains(time.second)
            else { throw ValidationFailure("--after '\(text)' is not a valid date and time") }
            return CronExpression.firstInstant(ofLocal: time.localSeconds, in: zone)
        }
    }
}

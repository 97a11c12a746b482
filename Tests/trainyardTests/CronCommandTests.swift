import ArgumentParser
import Testing
import TrainyardCore

@testable import trainyard

/// `trainyard cron next`: the printed lines, and every refusal says what was wrong.
struct CronCommandTests {
    static func lines(_ arguments: [String]) throws -> [String] {
        try CronCommand.Next.parse(arguments).lines(now: Instant(seconds: 1_767_225_600))
    }

    @Test("fire times print as the UTC instant, two spaces, and the local time with its offset")
    func printsLines() throws {
        let lines = try Self.lines(
            ["30 2 * * *", "--time-zone", "Europe/Berlin", "--after", "2026-03-28T00:00:00Z", "--count", "3"])
        #expect(
            lines == [
                "2026-03-28T01:30:00Z  2026-03-28T02:30:00+01:00",
                "2026-03-29T01:00:00Z  2026-03-29T03:00:00+02:00",
                "2026-03-30T00:30:00Z  2026-03-30T02:30:00+02:00",
            ])
    }

    @Test("five lines by default, from now; --after also takes an offset or a local time")
    func defaults() throws {
        #expect(
            try Self.lines(["@hourly", "--time-zone", "UTC"]).first == "2026-01-01T01:00:00Z  2026-01-01T01:00:00+00:00"
        )
        #expect(try Self.lines(["@hourly", "--time-zone", "UTC"]).count == 5)
        let offset = try Self.lines(
            ["0 0 * * *", "--time-zone", "America/New_York", "--after", "2026-11-01T00:30:00-04:00", "--count", "1"])
        let local = try Self.lines(
            ["0 0 * * *", "--time-zone", "America/New_York", "--after", "2026-11-01T00:30", "--count", "1"])
        #expect(offset == ["2026-11-02T05:00:00Z  2026-11-02T00:00:00-05:00"])
        #expect(local == offset)
    }

    @Test(
        "bad input is refused with the reason",
        arguments: [
            (
                ["0 25 * * *", "--time-zone", "UTC"],
                "bad cron expression: hour field '25': hour 25 is out of range 0–23"
            ),
            (["0 0 * * *", "--time-zone", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
            (["0 0 30 2 *", "--time-zone", "UTC"], "'0 0 30 2 *' never fires"),
            (["@daily", "--time-zone", "UTC", "--count", "0"], "--count must be 1–10000, not 0"),
            (["@daily", "--time-zone", "UTC", "--after", "yesterday"], "--after 'yesterday' is not ISO 8601"),
            (["@daily", "--time-zone", "UTC", "--after", "2026-02-30T10:00"], "is not a valid date and time"),
        ])
    func refused(arguments: [String], message: String) {
        do {
            _ = try Self.lines(arguments)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    @Test("the time zone is required")
    func zoneRequired() {
        #expect(throws: (any Error).self) { try CronCommand.Next.parse(["@daily"]) }
    }
}

import Testing
import TrainyardCore

/// Fire times across daylight-saving edges: a time the clock skips fires once at the first minute
/// after the gap; a time the clock repeats fires once, at its first occurrence.
struct CronDaylightSavingTests {
    struct Edge: Sendable, CustomStringConvertible {
        var zone: String
        var cron: String
        var after: String
        /// The next fire times, in UTC.
        var fires: [String]
        var description: String { "\(cron) in \(zone) after \(after)" }
    }

    static let edges: [Edge] = [
        // Europe/Berlin: 2026-03-29 02:00 CET → 03:00 CEST (01:00Z); 2026-10-25 03:00 CEST → 02:00 CET (01:00Z).
        Edge(
            zone: "Europe/Berlin", cron: "30 2 * * *", after: "2026-03-28T12:00",
            fires: ["2026-03-29T01:00", "2026-03-30T00:30"]),
        Edge(
            zone: "Europe/Berlin", cron: "*/15 2 * * *", after: "2026-03-28T23:00",
            fires: ["2026-03-29T01:00", "2026-03-30T00:00"]),
        Edge(
            zone: "Europe/Berlin", cron: "30 2 * * *", after: "2026-10-24T12:00",
            fires: ["2026-10-25T00:30", "2026-10-26T01:30"]),
        Edge(
            zone: "Europe/Berlin", cron: "*/30 * * * *", after: "2026-10-24T23:50",
            fires: ["2026-10-25T00:00", "2026-10-25T00:30", "2026-10-25T02:00", "2026-10-25T02:30"]),
        Edge(
            zone: "Europe/Berlin", cron: "0 * * * *", after: "2026-03-28T23:30",
            fires: ["2026-03-29T00:00", "2026-03-29T01:00", "2026-03-29T02:00"]),
        Edge(
            zone: "Europe/Berlin", cron: "30 2 29 3 *", after: "2026-01-01T00:00",
            fires: ["2026-03-29T01:00", "2027-03-29T00:30"]),
        // America/New_York: 2026-03-08 02:00 EST → 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT → 01:00 EST (06:00Z).
        Edge(
            zone: "America/New_York", cron: "30 2 * * *", after: "2026-03-07T17:00",
            fires: ["2026-03-08T07:00", "2026-03-09T06:30"]),
        Edge(
            zone: "America/New_York", cron: "30 1 * * *", after: "2026-10-31T16:00",
            fires: ["2026-11-01T05:30", "2026-11-02T06:30"]),
        Edge(
            zone: "America/New_York", cron: "0 9 * * MON-FRI", after: "2026-03-06T15:00",
            fires: ["2026-03-09T13:00", "2026-03-10T13:00"]),
        // Australia/Lord_Howe moves by 30 minutes: 2026-04-05 02:00 (+11) → 01:30 (+10:30) at 15:00Z,
        // 2026-10-04 02:00 (+10:30) → 02:30 (+11) at 15:30Z.
        Edge(
            zone: "Australia/Lord_Howe", cron: "45 1 * * *", after: "2026-04-04T12:00",
            fires: ["2026-04-04T14:45", "2026-04-05T15:15"]),
        Edge(
            zone: "Australia/Lord_Howe", cron: "15 2 * * *", after: "2026-10-03T12:00",
            fires: ["2026-10-03T15:30", "2026-10-04T15:15"]),
        Edge(
            zone: "Australia/Lord_Howe", cron: "*/20 * * * *", after: "2026-10-03T15:00",
            fires: ["2026-10-03T15:10", "2026-10-03T15:30", "2026-10-03T15:40"]),
        // Pacific/Apia skipped 2011-12-30 entirely: 2011-12-29 23:59 (-10) → 2011-12-31 00:00 (+14) at 10:00Z.
        Edge(
            zone: "Pacific/Apia", cron: "0 12 * * *", after: "2011-12-29T00:00",
            fires: ["2011-12-29T22:00", "2011-12-30T10:00", "2011-12-30T22:00"]),
        Edge(
            zone: "Pacific/Apia", cron: "0 9 30 12 *", after: "2011-06-01T00:00",
            fires: ["2011-12-30T10:00", "2012-12-29T19:00"]),
        Edge(
            zone: "UTC", cron: "@daily", after: "2026-12-31T23:59",
            fires: ["2027-01-01T00:00", "2027-01-02T00:00"]),
    ]

    @Test("fire times across DST edges", arguments: edges)
    func edge(_ edge: Edge) throws {
        let zone = try #require(ZoneRules(identifier: edge.zone))
        let fires = try CronExpression(edge.cron).nextFires(after: utc(edge.after), in: zone, count: edge.fires.count)
        #expect(fires.map { ZoneRules.utc.civil(at: $0).description } == edge.fires.map { "\($0):00" })
    }

    @Test("the local time is shown with the offset in force")
    func localText() throws {
        let berlin = try #require(ZoneRules(identifier: "Europe/Berlin"))
        #expect(berlin.localText(at: utc("2026-03-29T01:00")) == "2026-03-29T03:00:00+02:00")
        let lordHowe = try #require(ZoneRules(identifier: "Australia/Lord_Howe"))
        #expect(lordHowe.localText(at: utc("2026-04-05T15:15")) == "2026-04-06T01:45:00+10:30")
        let newYork = try #require(ZoneRules(identifier: "America/New_York"))
        #expect(newYork.localText(at: utc("2026-11-01T06:30")) == "2026-11-01T01:30:00-05:00")
    }

    @Test("unknown zones are not zones", arguments: ["Mars/Olympus", "", "Europe/Berlinn"])
    func unknown(identifier: String) {
        #expect(ZoneRules(identifier: identifier) == nil)
    }
}

import Testing
import TrainyardCore

/// Parsing, the Vixie day rule and the refusals, as tables.
struct CronExpressionTests {
    @Test(
        "fields read into the values they allow",
        arguments: [
            ("*/15 * * * *", CronField.Kind.minute, [0, 15, 30, 45]),
            ("0 9-17/4 * * *", .hour, [9, 13, 17]),
            ("0 0 1,15,L * *", .dayOfMonth, []),
            ("5/20 * * * *", .minute, [5, 25, 45]),
            ("0 0 * JAN,mar-May *", .month, [1, 3, 4, 5]),
            ("0 0 * * MON-FRI", .dayOfWeek, [1, 2, 3, 4, 5]),
            ("0 0 * * 7", .dayOfWeek, [0]),
            ("0 0 * * 5-7", .dayOfWeek, [0, 5, 6]),
            ("0 0 * * sun,SAT", .dayOfWeek, [0, 6]),
            ("0 0 */10 * *", .dayOfMonth, [1, 11, 21, 31]),
            ("@hourly", .minute, [0]),
            ("@weekly", .dayOfWeek, [0]),
            ("@yearly", .month, [1]),
        ])
    func fields(text: String, kind: CronField.Kind, values: [Int]) throws {
        if values.isEmpty {
            #expect(throws: CronError.self) { try CronExpression(text) }
            return
        }
        let expression = try CronExpression(text)
        let field = [
            expression.minutes, expression.hours, expression.daysOfMonth, expression.months,
            expression.daysOfWeek,
        ][kind.rawValue]
        #expect(field.values == values)
    }

    @Test(
        "bad expressions are refused with the field and the reason",
        arguments: [
            ("0 25 * * *", "hour field '25': hour 25 is out of range 0–23"),
            ("60 * * * *", "minute field '60': minute 60 is out of range 0–59"),
            ("0 0 0 * *", "day of month field '0': day of month 0 is out of range 1–31"),
            ("0 0 * 13 *", "month field '13': month 13 is out of range 1–12"),
            ("0 0 * * 8", "day of week field '8': day of week 8 is out of range 0–7"),
            ("0 0 * * MON-XYZ", "day of week field 'MON-XYZ': 'XYZ' is not a number 0–7 or a name such as MON"),
            ("*/0 * * * *", "minute field '*/0': step '0' is not a whole number above 0"),
            ("0 5-2 * * *", "hour field '5-2': range 5-2 runs backwards; write the lower value first"),
            ("0 1,,2 * * *", "hour field '1,,2': an item of the list is empty"),
            ("0 0 * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4 in '0 0 * *'"),
            ("0 0 * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 6 in '0 0 * * * *'"),
            ("@reboot", "@reboot has no meaning for a schedule; use @hourly, @daily, @weekly, @monthly or @yearly"),
            ("@often", "unknown macro @often; use @hourly, @daily, @weekly, @monthly or @yearly"),
            ("0 1-2-3 * * *", "hour field '1-2-3': '1-2-3' is not a value or a range a-b"),
            ("0 0 * JANUARY *", "month field 'JANUARY': 'JANUARY' is not a number 1–12 or a name such as FEB"),
        ])
    func refused(text: String, message: String) {
        #expect(throws: CronError.self) { try CronExpression(text) }
        do {
            _ = try CronExpression(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test(
        "days follow Vixie cron: either day field when both are restricted, both otherwise",
        arguments: [
            // 2026-05-01 is a Friday, 2026-05-04 a Monday, 2026-05-15 a Friday, 2026-05-03 a Sunday.
            ("30 4 1,15 * 5", 2026, 5, 8, true),  // a Friday
            ("30 4 1,15 * 5", 2026, 5, 1, true),  // the 1st
            ("30 4 1,15 * 5", 2026, 5, 4, false),
            ("0 0 */2 * 1", 2026, 5, 4, false),  // a Monday on an even date: `*/2` starts with `*`
            ("0 0 */2 * 1", 2026, 5, 11, true),  // a Monday on an odd date
            ("0 0 */2 * 1", 2026, 5, 3, false),  // an odd date, not a Monday
            ("0 0 * * 0", 2026, 5, 3, true),
            ("0 0 13 * FRI", 2026, 5, 13, true),  // the 13th, a Wednesday
            ("0 0 29 2 *", 2028, 2, 29, true),
            ("0 0 29 2 *", 2027, 3, 1, false),
        ])
    func dayRule(text: String, year: Int, month: Int, day: Int, matches: Bool) throws {
        #expect(try CronExpression(text).matches(year: year, month: month, day: day) == matches)
    }

    @Test(
        "expressions no date matches are known for what they are",
        arguments: [
            ("0 0 30 2 *", false), ("0 0 31 4,6,9,11 *", false), ("0 0 31 4,5 *", true), ("0 0 29 2 *", true),
            ("0 0 30 2 MON", true), ("0 0 30 2 */2", false),
        ])
    func canEverFire(text: String, fires: Bool) throws {
        let expression = try CronExpression(text)
        #expect(expression.canEverFire == fires)
        let next = expression.nextFire(after: Instant(seconds: 1_767_225_600), in: .utc)
        #expect((next != nil) == fires)
    }

    @Test("leap days fire on 29 February only, years apart")
    func leapDays() throws {
        let fires = try CronExpression("0 12 29 2 *").nextFires(after: utc("2026-01-01T00:00"), in: .utc, count: 3)
        #expect(fires == [utc("2028-02-29T12:00"), utc("2032-02-29T12:00"), utc("2036-02-29T12:00")])
        let century = try CronExpression("0 0 29 2 *").nextFire(after: utc("2097-01-01T00:00"), in: .utc)
        #expect(century == utc("2104-02-29T00:00"))
    }

    @Test("the civil calendar agrees with known dates")
    func civil() {
        #expect(CivilTime(localSeconds: 0).description == "1970-01-01T00:00:00")
        #expect(CivilTime(localSeconds: -1).description == "1969-12-31T23:59:59")
        #expect(CivilTime(year: 2000, month: 2, day: 29).weekday == 2)
        #expect(CivilTime(year: 2026, month: 12, day: 5).weekday == 6)
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let date = CivilTime.civil(fromDays: days)
            #expect(CivilTime.days(year: date.year, month: date.month, day: date.day) == days)
        }
    }
}

/// The instant of a UTC wall-clock time written `YYYY-MM-DDTHH:MM`.
func utc(_ text: String) -> Instant {
    let digits = text.split(whereSeparator: { !$0.isNumber }).map { Int($0)! }
    let time = CivilTime(year: digits[0], month: digits[1], day: digits[2], hour: digits[3], minute: digits[4])
    return Instant(seconds: time.localSeconds)
}

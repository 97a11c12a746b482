/// A five-field cron expression (minute, hour, day of month, month, day of week), or one of the
/// macros `@hourly @daily @weekly @monthly @yearly` (`@annually`, `@midnight` too).
///
/// Days follow Vixie cron: when both day fields are restricted (neither text begins with `*`),
/// a day matches when either does (`30 4 1,15 * 5`: the 1st, the 15th and every Friday);
/// otherwise both must match. When it fires in a time zone is ``nextFire(after:in:)``'s job.
public struct CronExpression: Hashable, Sendable, CustomStringConvertible {
    /// The expression as written.
    public let text: String
    public let minutes: CronField
    public let hours: CronField
    public let daysOfMonth: CronField
    public let months: CronField
    public let daysOfWeek: CronField

    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Reads `text`; the error names the field at fault and what was wrong with it.
    public init(_ text: String) throws(CronError) {
        let trimmed = text.trimmingSpaces
        self.text = trimmed
        var body = trimmed
        if trimmed.hasPrefix("@") {
            guard let expansion = Self.macros[trimmed.lowercased()] else {
                let known = "@hourly, @daily, @weekly, @monthly or @yearly"
                let reason =
                    trimmed.lowercased() == "@reboot"
                    ? "@reboot has no meaning for a schedule; use \(known)"
                    : "unknown macro \(trimmed); use \(known)"
                throw CronError(field: nil, text: trimmed, reason: reason)
            }
            body = expansion
        }
        let parts = body.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 5 else {
            throw CronError(
                field: nil, text: trimmed,
                reason:
                    "expected 5 fields (minute hour day-of-month month day-of-week), got \(parts.count) in '\(trimmed)'"
            )
        }
        minutes = try CronField(parts[0], kind: .minute)
        hours = try CronField(parts[1], kind: .hour)
        daysOfMonth = try CronField(parts[2], kind: .dayOfMonth)
        months = try CronField(parts[3], kind: .month)
        daysOfWeek = try CronField(parts[4], kind: .dayOfWeek)
    }

    public var description: String { text }

    /// Whether the expression allows the date `year-month-day` (Vixie cron's day rule).
    public func matches(year: Int, month: Int, day: Int) -> Bool {
        guard months.contains(month) else { return false }
        let byDay = daysOfMonth.contains(day)
        let byWeekday = daysOfWeek.contains(CivilTime.weekday(days: CivilTime.days(year: year, month: month, day: day)))
        return daysOfMonth.isStar || daysOfWeek.isStar ? byDay && byWeekday : byDay || byWeekday
    }

    /// Whether the expression allows the wall-clock minute `time` (its seconds are ignored).
    public func matches(_ time: CivilTime) -> Bool {
        minutes.contains(time.minute) && hours.contains(time.hour)
            && matches(year: time.year, month: time.month, day: time.day)
    }

    /// `false` for an expression no date ever matches, such as `0 0 30 2 *` (February has no 30th):
    /// a schedule with it is refused rather than silently never run.
    public var canEverFire: Bool {
        // With both day fields restricted, every weekday occurs in every allowed month.
        if !daysOfMonth.isStar && !daysOfWeek.isStar { return true }
        return months.values.contains { month in
            daysOfMonth.values.contains { $0 <= (month == 2 ? 29 : CivilTime.daysIn(month: month, year: 2001)) }
        }
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and newlines.
    var trimmingSpaces: String {
        let blanks: Set<Character> = [" ", "\t", "\n", "\r"]
        guard let first = firstIndex(where: { !blanks.contains($0) }),
            let last = lastIndex(where: { !blanks.contains($0) })
        else { return "" }
        return String(self[first...last])
    }
}

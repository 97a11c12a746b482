/// One of the five fields of a cron expression, parsed into the set of values it allows.
///
/// The grammar is Vixie cron's (crontab(5)): a comma-separated list of items, each `*`, a value,
/// or a range `a-b`, optionally followed by a step (`*/15`, `1-30/5`; `5/15` means `5-max/15`).
/// Months and days of the week also take three-letter English names (`JAN`, `MON-FRI`), in any
/// case; day of week 7 is Sunday, like 0.
public struct CronField: Hashable, Sendable {
    /// Which field this is, for messages and value ranges.
    public enum Kind: Int, CaseIterable, Hashable, Sendable, CustomStringConvertible {
        case minute, hour, dayOfMonth, month, dayOfWeek

        public var description: String {
            switch self {
            case .minute: return "minute"
            case .hour: return "hour"
            case .dayOfMonth: return "day of month"
            case .month: return "month"
            case .dayOfWeek: return "day of week"
            }
        }

        /// The values a field accepts in the text (day of week accepts 7 for Sunday).
        var bounds: ClosedRange<Int> {
            switch self {
            case .minute: return 0...59
            case .hour: return 0...23
            case .dayOfMonth: return 1...31
            case .month: return 1...12
            case .dayOfWeek: return 0...7
            }
        }

        /// The range people are told about (day of week is 0–7 in the text, 0–6 once read).
        var names: [String] {
            switch self {
            case .month: return ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            case .dayOfWeek: return ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
            default: return []
            }
        }

        /// The value of a name: `JAN` is 1, `SUN` is 0.
        func value(ofName name: String) -> Int? {
            guard let index = names.firstIndex(of: name.uppercased()) else { return nil }
            return self == .month ? index + 1 : index
        }
    }

    public let kind: Kind
    /// Bit `n` is set when value `n` is allowed (day of week 7 is folded into 0).
    public let bits: UInt64
    /// The text began with `*`: Vixie cron's test for an unrestricted day field.
    public let isStar: Bool

    /// Whether `value` is allowed.
    public func contains(_ value: Int) -> Bool { value >= 0 && value < 64 && bits & (1 << UInt64(value)) != 0 }

    /// The allowed values in increasing order.
    public var values: [Int] { (0..<64).filter { contains($0) } }

    /// Parses the text of field `kind`; the error names the field and what was wrong with it.
    public init(_ text: String, kind: Kind) throws(CronError) {
        self.kind = kind
        guard !text.isEmpty else { throw CronError(field: kind, text: text, reason: "the field is empty") }
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            bits |= try Self.parse(item: String(item), kind: kind, field: text)
        }
        if kind == .dayOfWeek, bits & (1 << 7) != 0 { bits = (bits & ~(1 << 7)) | 1 }
        self.bits = bits
        self.isStar = text.hasPrefix("*")
    }

    private static func parse(item: String, kind: Kind, field: String) throws(CronError) -> UInt64 {
        guard !item.isEmpty else { throw CronError(field: kind, text: field, reason: "an item of the list is empty") }
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            throw CronError(field: kind, text: field, reason: "'\(item)' has more than one step ('/')")
        }
        var step = 1
        if parts.count == 2 {
            guard let value = Int(parts[1]), value > 0 else {
                throw CronError(field: kind, text: field, reason: "step '\(parts[1])' is not a whole number above 0")
            }
            step = value
        }
        let range = String(parts[0])
        var low: Int
        var high: Int
        if range == "*" {
            low = kind.bounds.lowerBound
            high = kind == .dayOfWeek ? 6 : kind.bounds.upperBound
        } else {
            let ends = range.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count <= 2 else {
                throw CronError(field: kind, text: field, reason: "'\(range)' is not a value or a range a-b")
            }
            low = try value(String(ends[0]), kind: kind, field: field)
            high = ends.count == 2 ? try value(String(ends[1]), kind: kind, field: field) : low
            if ends.count == 1, parts.count == 2 { high = kind.bounds.upperBound }
            guard low <= high else {
                throw CronError(
                    field: kind, text: field, reason: "range \(range) runs backwards; write the lower value first")
            }
        }
        var bits: UInt64 = 0
        for value in stride(from: low, through: high, by: step) { bits |= 1 << UInt64(value) }
        return bits
    }

    private static func value(_ text: String, kind: Kind, field: String) throws(CronError) -> Int {
        if let number = Int(text), text.allSatisfy(\.isASCII) {
            guard kind.bounds.contains(number) else {
                throw CronError(
                    field: kind, text: field,
                    reason:
                        "\(kind) \(number) is out of range \(kind.bounds.lowerBound)–\(kind.bounds.upperBound)")
            }
            return number
        }
        if let named = kind.value(ofName: text) { return named }
        let hint =
            kind.names.isEmpty
            ? "a number \(kind.bounds.lowerBound)–\(kind.bounds.upperBound)"
            : "a number \(kind.bounds.lowerBound)–\(kind.bounds.upperBound) or a name such as \(kind.names[1])"
        throw CronError(field: kind, text: field, reason: "'\(text)' is not \(hint)")
    }
}

/// A cron expression that could not be read: which field, its text, and why.
public struct CronError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field at fault; `nil` when the expression as a whole is wrong (the number of fields).
    public var field: CronField.Kind?
    public var text: String
    public var reason: String

    public init(field: CronField.Kind?, text: String, reason: String) {
        self.field = field
        self.text = text
        self.reason = reason
    }

    public var description: String {
        guard let field else { return reason }
        return "\(field) field '\(text)': \(reason)"
    }
}

/// What a pipeline schedule is: which pipeline to create, when, and what to do about slots missed
/// while the service was down. Comes from the configuration (`schedules:`) or the API.
public struct ScheduleDefinition: Hashable, Codable, Sendable {
    /// What to do about slots whose time passed while no replica was running.
    public enum Missed: String, Hashable, Codable, Sendable, CaseIterable {
        /// Skip them; the schedule goes on with its next slot.
        case skip
        /// Run one pipeline for all of them, at once.
        case once
    }

    /// Where the definition came from: the configuration owns its schedules (a schedule removed
    /// from the file is removed); the API's stay until deleted through the API.
    public enum Origin: String, Hashable, Codable, Sendable {
        case config, api
    }

    public var name: String
    /// The configured forge name (`gitlab`).
    public var forge: String
    /// The project path on that forge (`group/app`).
    public var project: String
    /// The branch or tag the pipeline runs on.
    public var ref: String
    public var cron: String
    /// An IANA time zone (`Europe/Berlin`).
    public var timeZone: String
    public var variables: [String: String]
    public var active: Bool
    public var description: String
    public var missed: Missed
    /// Spreads the fire time over this many minutes after the slot, by the same amount every time
    /// for one schedule (see ``jitterMilliseconds``).
    public var jitterMinutes: Int
    public var origin: Origin

    public init(
        name: String, forge: String, project: String, ref: String, cron: String, timeZone: String = "UTC",
        variables: [String: String] = [:], active: Bool = true, description: String = "", missed: Missed = .skip,
        jitterMinutes: Int = 0, origin: Origin = .config
    ) {
        self.name = name
        self.forge = forge
        self.project = project
        self.ref = ref
        self.cron = cron
        self.timeZone = timeZone
        self.variables = variables
        self.active = active
        self.description = description
        self.missed = missed
        self.jitterMinutes = jitterMinutes
        self.origin = origin
    }

    /// The variable every scheduled pipeline gets, with the schedule's name as its value.
    public static let scheduleVariable = "TRAINYARD_SCHEDULE"
    /// The variable that names the slot (its UTC time) a pipeline was created for.
    public static let slotVariable = "TRAINYARD_SCHEDULE_SLOT"
    /// The longest jitter, in minutes.
    public static let maxJitterMinutes = 720

    /// The parsed expression; throws the parse error.
    public func expression() throws(CronError) -> CronExpression { try CronExpression(cron) }

    /// The zone's rules; `nil` for an unknown zone.
    public var zone: ZoneRules? { ZoneRules(identifier: timeZone) }

    /// How long after each slot this schedule fires: the same share of its jitter window every
    /// time (FNV-1a of the name), in whole seconds, so that schedules set for the same minute
    /// spread out and each keeps a steady rhythm.
    public var jitterMilliseconds: Int64 {
        guard jitterMinutes > 0 else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(hash % UInt64(jitterMinutes * 60)) * 1000
    }

    /// Every problem with the definition, each with the key it is about and what to do.
    public var problems: [(key: String, message: String)] {
        var problems: [(String, String)] = []
        if !Self.isValidName(name) {
            problems.append(
                (
                    "name",
                    "'\(name)' is not a schedule name: use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit"
                ))
        }
        if project.isEmpty { problems.append(("project", "is empty: give the project path, such as group/app")) }
        if ref.isEmpty || ref.contains(" ") { problems.append(("ref", "'\(ref)' is not a branch or tag name")) }
        do {
            let expression = try expression()
            if !expression.canEverFire {
                problems.append(("cron", "'\(cron)' never fires: no date matches its day and month fields"))
            }
        } catch {
            problems.append(("cron", "\(error)"))
        }
        if zone == nil {
            problems.append(
                ("time_zone", "unknown time zone '\(timeZone)': use an IANA name such as Europe/Berlin or UTC"))
        }
        for key in variables.keys.sorted() {
            if key.isEmpty || key.utf8.count > 255
                || !key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            {
                problems.append(("variables.\(key)", "a variable name has 1–255 characters A–Z, a–z, 0–9 and _"))
            } else if key == Self.scheduleVariable || key == Self.slotVariable {
                problems.append(("variables.\(key)", "\(key) is set by Trainyard; use another name"))
            }
        }
        if !(0...Self.maxJitterMinutes).contains(jitterMinutes) {
            problems.append(("jitter_minutes", "must be 0–\(Self.maxJitterMinutes), not \(jitterMinutes)"))
        }
        if description.count > 255 { problems.append(("description", "is longer than 255 characters")) }
        return problems
    }

    /// 1–64 characters of letters, digits, `.`, `_` and `-`, starting with a letter or digit.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first.isNumber, name.count <= 64 else {
            return false
        }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}

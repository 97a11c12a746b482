/// A git object name (a full 40- or 64-hex commit id) as Trainyard passes it around.
///
/// The core never checks that a commit exists; it only compares names. Adapters validate the
/// format when they take a value from the outside world (see ``SHA/init(validating:)``).
public struct SHA: Hashable, Codable, Sendable, CustomStringConvertible, Comparable {
    public let value: String

    public init(_ value: String) { self.value = value }

    /// Accepts only lowercase or uppercase hex of a full object name (40 for SHA-1, 64 for SHA-256).
    public init?(validating text: String) {
        guard text.count == 40 || text.count == 64, text.allSatisfy(\.isHexDigit) else { return nil }
        self.value = text.lowercased()
    }

    /// The first eight characters, for messages people read.
    public var short: String { String(value.prefix(8)) }
    public var description: String { value }

    public static func < (lhs: SHA, rhs: SHA) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws { value = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// Identifies one train: a project on a forge plus the target branch its changes land on.
public struct TrainID: Hashable, Codable, Sendable, CustomStringConvertible, Comparable {
    /// The configured forge name (`gitlab` in `forges:`).
    public let forge: String
    /// The project path on that forge (`group/app`).
    public let project: String
    /// The target branch (`main`).
    public let target: String

    public init(forge: String, project: String, target: String) {
        self.forge = forge
        self.project = project
        self.target = target
    }

    /// The branch a car of this train is pushed to: `trainyard/<target>/<car>`.
    public func carBranch(_ car: CarID) -> String { "trainyard/\(target)/\(car.value)" }

    public var description: String { "\(forge):\(project)@\(target)" }

    public static func < (lhs: TrainID, rhs: TrainID) -> Bool { lhs.description < rhs.description }
}

/// A car's number, unique and increasing within its train; it names the car's branch.
public struct CarID: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public let value: Int
    public init(_ value: Int) { self.value = value }
    public var description: String { "\(value)" }
    public static func < (lhs: CarID, rhs: CarID) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws { value = try decoder.singleValueContainer().decode(Int.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// A CI pipeline's id on the forge.
public struct PipelineID: Hashable, Codable, Sendable, CustomStringConvertible {
    public let value: Int
    public init(_ value: Int) { self.value = value }
    public var description: String { "\(value)" }

    public init(from decoder: any Decoder) throws { value = try decoder.singleValueContainer().decode(Int.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// A point in time as milliseconds since the Unix epoch. The core never reads a clock: instants
/// come in with events.
public struct Instant: Hashable, Codable, Sendable, Comparable {
    public let milliseconds: Int64
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public init(seconds: Int64) { self.milliseconds = seconds * 1000 }
    public var seconds: Int64 { milliseconds / 1000 }
    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.milliseconds < rhs.milliseconds }
    public func adding(milliseconds delta: Int64) -> Instant { Instant(milliseconds: milliseconds + delta) }

    public init(from decoder: any Decoder) throws {
        milliseconds = try decoder.singleValueContainer().decode(Int64.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(milliseconds)
    }
}

import Foundation

/// Workload figures given on the command line, each with one value (an override) or several (a
/// sweep): every combination of the values is applied to each scenario, so that one command shows,
/// for example, what more runners buy (`--capacity 8,12,16`) or how much load a planner takes
/// before its queue grows without bound (`--arrivals-per-hour 10,15,20`).
public struct ScenarioSweep: Sendable, Equatable {
    /// A workload figure the command line can set, by its name in a scenario file.
    public enum Figure: String, CaseIterable, Sendable {
        case arrivalsPerHour = "arrivals_per_hour"
        case pipelineMinutes = "pipeline_minutes"
        case badProbability = "bad_probability"
        case flakeProbability = "flake_probability"
        case capacity
        case durationCV = "duration_cv"
        case reactionSeconds = "reaction_seconds"

        /// The command-line flag that sets it.
        public var flag: String { "--" + rawValue.replacingOccurrences(of: "_", with: "-") }

        /// Whether its values are whole numbers.
        var isWhole: Bool { self == .capacity }
    }

    /// One figure and the values it takes, in the order given.
    public struct Axis: Sendable, Equatable {
        public var figure: Figure
        public var values: [Double]

        public init(figure: Figure, values: [Double]) {
            self.figure = figure
            self.values = values
        }
    }

    /// A figure a variant sets to one of several values (by its name in a scenario file).
    public struct Value: Hashable, Codable, Sendable {
        public var figure: String
        public var value: Double

        public init(figure: String, value: Double) {
            self.figure = figure
            self.value = value
        }
    }

    /// The most variants one command runs of each scenario.
    public static let limit = 100

    /// The figures given, in the order they were added (the command adds them in a fixed order).
    public private(set) var axes: [Axis] = []

    public init() {}

    /// Adds a figure from its command-line text: one number, or several separated by commas.
    /// Returns what is wrong with the text, or `nil` when it was added.
    public mutating func add(_ figure: Figure, _ text: String) -> String? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var values: [Double] = []
        for part in parts {
            guard let value = Double(part), value.isFinite else {
                return "\(figure.flag) expects a number, or numbers separated by commas as in "
                    + "\(figure.isWhole ? "8,12,16" : "10,15,20") (got `\(text)`)"
            }
            if figure.isWhole && (value != value.rounded() || Int(exactly: value) == nil) {
                return "\(figure.flag) expects whole numbers (got `\(part)`)"
            }
            guard !values.contains(value) else { return "\(figure.flag) gives \(part) twice (got `\(text)`)" }
            values.append(value)
        }
        axes.removeAll { $0.figure == figure }
        axes.append(Axis(figure: figure, values: values))
        guard variantCount <= Self.limit else {
            let swept = axes.filter { $0.values.count > 1 }.map(\.figure.flag)
            return "\(swept.joined(separator: " and ")) \(swept.count == 1 ? "makes" : "make") \(variantCount) "
                + "variants of each scenario, and at most \(Self.limit) run in one command: give fewer values, or "
                + "split the sweep over several commands"
        }
        return nil
    }

    /// How many variants of each scenario the sweep makes (1 without a figure of several values).
    public var variantCount: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// The scenario with every combination of the values applied, each figure's values in the
    /// order given (the figure added first varies slowest). A variant is named after the figures
    /// that vary, as in `S4@capacity=12`, and knows them (`swept`); with single values only, the
    /// scenario keeps its id.
    public func variants(of scenario: Scenario) -> [Scenario] {
        var result = [scenario]
        for axis in axes {
            result = result.flatMap { base in
                axis.values.map { value in
                    var variant = base
                    Self.set(axis.figure, to: value, in: &variant.workload)
                    if axis.values.count > 1 {
                        let base = variant.id.dropLast(Self.suffix(variant.swept).count)
                        variant.swept = (variant.swept ?? []) + [Value(figure: axis.figure.rawValue, value: value)]
                        variant.id = base + Self.suffix(variant.swept)
                    }
                    return variant
                }
            }
        }
        return result
    }

    /// What a variant's id adds to its scenario's: `@capacity=12,arrivals_per_hour=1.5`, or
    /// nothing for a scenario that is not a variant.
    public static func suffix(_ swept: [Value]?) -> String {
        guard let swept, !swept.isEmpty else { return "" }
        return "@" + swept.map { "\($0.figure)=\(Workload.trim($0.value))" }.joined(separator: ",")
    }

    /// Sets one figure of the workload. `add` only lets whole numbers that fit an `Int` through
    /// for the capacity; anything else would become a capacity `Workload.problems` refuses.
    static func set(_ figure: Figure, to value: Double, in workload: inout Workload) {
        switch figure {
        case .arrivalsPerHour: workload.arrivalsPerHour = value
        case .pipelineMinutes: workload.pipelineMinutes = value
        case .badProbability: workload.badProbability = value
        case .flakeProbability: workload.flakeProbability = value
        case .capacity: workload.capacity = Int(exactly: value) ?? Int.max
        case .durationCV: workload.durationCV = value
        case .reactionSeconds: workload.reactionSeconds = value
        }
    }
}

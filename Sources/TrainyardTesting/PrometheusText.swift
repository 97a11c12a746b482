import Foundation

/// A strict reader of Prometheus' text format 0.0.4, for tests: it refuses what a Prometheus
/// server would refuse (a second HELP or TYPE for a name, a TYPE after a sample, a family split
/// by another, a repeated series, a histogram without its `+Inf` bucket or with buckets that
/// fall), and gives the samples by name and labels.
public struct PrometheusText: Sendable {
    public struct Sample: Hashable, Sendable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    /// The `# TYPE` of each family.
    public private(set) var types: [String: String] = [:]
    /// The `# HELP` of each family.
    public private(set) var help: [String: String] = [:]
    public private(set) var samples: [Sample] = []

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ text: String) throws {
        guard text.isEmpty || text.hasSuffix("\n") else { throw Invalid(description: "the last line has no line end") }
        var finished: Set<String> = []
        var current: String?
        var seen: Set<String> = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() where !line.isEmpty {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ", maxSplits: 1).map(String.init)
                guard let name = parts.first else { throw Invalid(description: "a bare comment: \(line)") }
                let isHelp = line.hasPrefix("# HELP ")
                if isHelp {
                    guard help[name] == nil else { throw Invalid(description: "a second HELP for \(name)") }
                    help[name] = parts.count > 1 ? parts[1] : ""
                } else {
                    guard types[name] == nil else { throw Invalid(description: "a second TYPE for \(name)") }
                    guard !finished.contains(name), current != name else {
                        throw Invalid(description: "TYPE of \(name) after its samples")
                    }
                    types[name] = parts.count > 1 ? parts[1] : ""
                }
                continue
            }
            if line.hasPrefix("#") { continue }
            let sample = try Self.sample(String(line))
            let family = family(of: sample.name)
            if family != current {
                if let current { finished.insert(current) }
                guard !finished.contains(family) else { throw Invalid(description: "the family \(family) is split") }
                current = family
            }
            let key = sample.name + sample.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined()
            guard seen.insert(key).inserted else { throw Invalid(description: "a repeated series: \(line)") }
            samples.append(sample)
        }
        try checkHistograms()
    }

    /// The family a sample belongs to: a histogram's `_bucket`, `_sum` and `_count` belong to it.
    func family(of name: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" { return base }
        }
        return name
    }

    /// The value of the series `name` with exactly `labels`, if it is there.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Every series of `name`.
    public func series(_ name: String) -> [Sample] { samples.filter { $0.name == name } }

    /// The families (metric names) present.
    public var families: Set<String> { Set(samples.map { family(of: $0.name) }) }

    func checkHistograms() throws {
        for (name, type) in types where type == "histogram" {
            var groups: [[String: String]: [(Double, Double)]] = [:]
            for sample in series(name + "_bucket") {
                guard let bound = sample.labels["le"], let le = bound == "+Inf" ? .infinity : Double(bound) else {
                    throw Invalid(description: "a bucket of \(name) without a valid le")
                }
                var labels = sample.labels
                labels["le"] = nil
                groups[labels, default: []].append((le, sample.value))
            }
            for (labels, buckets) in groups {
                let sorted = buckets.sorted { $0.0 < $1.0 }
                guard sorted.last?.0 == .infinity else { throw Invalid(description: "\(name) has no +Inf bucket") }
                guard zip(sorted, sorted.dropFirst()).allSatisfy({ $0.1 <= $1.1 }) else {
                    throw Invalid(description: "the buckets of \(name) are not cumulative")
                }
                guard value(name + "_count", labels) == sorted.last?.1, value(name + "_sum", labels) != nil else {
                    throw Invalid(description: "\(name)'s _count differs from its +Inf bucket, or it has no _sum")
                }
            }
        }
    }

    static func sample(_ line: String) throws -> Sample {
        var labels: [String: String] = [:]
        let name: String
        var rest: Substring
        if let open = line.firstIndex(of: "{") {
            name = String(line[..<open])
            rest = line[line.index(after: open)...]
            while !rest.hasPrefix("}") {
                guard let equals = rest.firstIndex(of: "="), rest[rest.index(after: equals)...].hasPrefix("\"") else {
                    throw Invalid(description: "a label without a quoted value: \(line)")
                }
                let key = String(rest[..<equals])
                var value = ""
                var index = rest.index(equals, offsetBy: 2)
                while index < rest.endIndex, rest[index] != "\"" {
                    if rest[index] == "\\" { index = rest.index(after: index) }
                    guard index < rest.endIndex else { break }
                    value.append(rest[index])
                    index = rest.index(after: index)
                }
                guard index < rest.endIndex else { throw Invalid(description: "an unterminated label: \(line)") }
                labels[key] = value
                rest = rest[rest.index(after: index)...]
                if rest.hasPrefix(",") { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        } else {
            guard let space = line.firstIndex(of: " ") else { throw Invalid(description: "a sample without a value") }
            name = String(line[..<space])
            rest = line[space...]
        }
        guard name.range(of: #"^[a-zA-Z_:][a-zA-Z0-9_:]*$"#, options: .regularExpression) != nil else {
            throw Invalid(description: "an invalid metric name: \(line)")
        }
        let fields = rest.split(separator: " ")
        guard let text = fields.first, fields.count <= 2 else { throw Invalid(description: "a bad sample: \(line)") }
        let value: Double? =
            switch text {
            case "+Inf": .infinity
            case "-Inf": -.infinity
            case "NaN": .nan
            default: Double(text)
            }
        guard let value else { throw Invalid(description: "a value that is not a number: \(line)") }
        return Sample(name: name, labels: labels, value: value)
    }
}

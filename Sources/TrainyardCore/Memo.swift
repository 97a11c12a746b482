/// A value a state keeps to go faster, not part of what the state is: two states that differ only
/// in their memos are equal and hash alike, so "applying an event twice changes nothing" still
/// means what it says. A memo is stored with the state (a missing one decodes as `nil`).
public struct Memo<Value: Codable & Sendable>: Hashable, Codable, Sendable {
    public var value: Value?

    public init(_ value: Value? = nil) { self.value = value }

    public static func == (lhs: Memo, rhs: Memo) -> Bool { true }

    public func hash(into hasher: inout Hasher) {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        value = container.decodeNil() ? nil : try container.decode(Value.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

extension KeyedDecodingContainer {
    /// A state stored before it had a memo decodes with an empty one.
    public func decode<Value>(_ type: Memo<Value>.Type, forKey key: Key) throws -> Memo<Value> {
        try decodeIfPresent(type, forKey: key) ?? Memo()
    }
}

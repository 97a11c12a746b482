import Foundation

/// A type kept in the store as JSON, with the version of its stored format.
///
/// Stored JSON is wrapped as `{"trainyard_format": N, "value": …}`. JSON without the wrapper is
/// format 0: what Trainyard wrote before formats were versioned, which every type still reads.
/// A row of a format newer than this build knows is refused with an error that says so (and is
/// moved aside rather than misread).
public protocol StoredValue: Codable {
    /// The format this build writes. Raise it when a change to the type cannot be read by the
    /// previous release, and teach `init(from:)` to read every older one.
    static var storedFormat: Int { get }
}

/// Encodes and decodes ``StoredValue``s with their format.
public struct StoredJSON: Sendable {
    private struct Envelope<Value: Encodable>: Encodable {
        var trainyard_format: Int
        var value: Value
    }
    private struct Probe: Decodable {
        var trainyard_format: Int?
    }
    private struct Wrapped<Value: Decodable>: Decodable {
        var value: Value
    }

    public init() {}

    public func encode<T: StoredValue>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Envelope(trainyard_format: T.storedFormat, value: value))
        return String(decoding: data, as: UTF8.self)
    }

    public func decode<T: StoredValue>(_ type: T.Type, from text: String) throws -> T {
        let data = Data(text.utf8)
        let decoder = JSONDecoder()
        let format = (try? decoder.decode(Probe.self, from: data))?.trainyard_format
        guard let format else { return try decoder.decode(T.self, from: data) }
        guard format <= T.storedFormat else {
            throw StoreError.newerFormat(type: "\(T.self)", found: format, known: T.storedFormat)
        }
        return try decoder.decode(Wrapped<T>.self, from: data).value
    }
}

import Foundation
import Logging
import Synchronization

/// `log_format: json`: one JSON object per line, `{"time", "level", "label", "message", …}` with
/// every metadata field (the handler's, the line's and the task's ``LogContext``) at the top level
/// beside them, for log stores that index fields.
struct JSONLogHandler: LogHandler {
    let label: String
    /// Where each finished line goes (standard error in the service).
    let write: @Sendable (String) -> Void
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .info

    /// Lines from several tasks are written whole, one at a time.
    static let standardError: @Sendable (String) -> Void = {
        let lock = Mutex(())
        return { line in lock.withLock { _ in FileHandle.standardError.write(Data((line + "\n").utf8)) } }
    }()

    init(label: String, metadataProvider: Logger.MetadataProvider?, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    static let reserved: Set<String> = ["time", "level", "label", "message", "source"]

    func log(event: LogEvent) {
        var fields: [String: Any] = [:]
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let given = event.metadata { merged.merge(given) { _, new in new } }
        for (key, value) in merged {
            fields[Self.reserved.contains(key) ? "meta.\(key)" : key] = Self.json(value)
        }
        fields["time"] = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = "\(event.message)"
        fields["source"] = event.source
        let data =
            (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data(#"{"message":"a log line could not be written as JSON"}"#.utf8)
        write(String(decoding: data, as: UTF8.self))
    }

    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let list): list.map(json)
        case .dictionary(let map): map.mapValues(json)
        }
    }
}

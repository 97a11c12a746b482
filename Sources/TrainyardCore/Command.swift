/// A command a person gives Trainyard in a merge request comment or a chat message.
public enum Command: Hashable, Codable, Sendable {
    /// Put the merge request on its train.
    case merge
    /// Take it off.
    case cancel

    /// Reads the commands in a comment. A command stands at the start of a line, as `/merge` or
    /// `@trainyard merge` (the mention name is configurable); text after it on the line is
    /// ignored. Anything else, including a command quoted mid-sentence or in a code block, is
    /// not a command, so Trainyard's own notes never trigger it.
    public static func parse(_ text: String, mention: String = "trainyard") -> [Command] {
        var commands: [Command] = []
        var inFence = false
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(200) {
            let line = rawLine.trimmingWhitespace()
            if line.hasPrefix("```") || line.hasPrefix("~~~") {
                inFence.toggle()
                continue
            }
            guard !inFence else { continue }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.lowercased() }
            guard let first = words.first else { continue }
            let word: String?
            if first.hasPrefix("/") {
                word = String(first.dropFirst())
            } else if first == "@" + mention.lowercased(), words.count > 1 {
                word = words[1]
            } else {
                word = nil
            }
            switch word {
            case "merge": commands.append(.merge)
            case "cancel": commands.append(.cancel)
            default: continue
            }
        }
        return commands
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var slice = self
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return slice
    }
}

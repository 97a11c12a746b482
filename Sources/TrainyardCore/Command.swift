/// A command a person gives Trainyard in a merge request comment or a chat message.
public enum Command: Hashable, Codable, Sendable {
    /// Put the merge request on its train.
    case merge
    /// Take it off.
    case cancel
    /// Give it a new priority (the event's `priority`); from chat and comments.
    case priority
    /// Run the failed car of the merge request again, or queue it again after its car failed.
    case retry
    /// Test the merge request alone on its target, and never land it.
    case `try`
    /// Deploy, stop, pin or unpin the merge request's review app.
    case reviewApp(ReviewAppCommand)

    /// The comment commands the engine runs today, read with ``CommandGrammar/comment(_:mention:)``:
    /// `merge` (or `r+`) and `cancel` (or `r-`), in order. The other verbs and malformed commands
    /// are left out.
    public static func parse(_ text: String, mention: String = "trainyard") -> [Command] {
        CommandGrammar.comment(text, mention: mention).compactMap { result in
            guard case .success(let invocation) = result else { return nil }
            switch invocation.verb {
            case .merge: return .merge
            case .cancel: return .cancel
            default: return nil
            }
        }
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

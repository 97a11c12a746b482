/// Checks branch names before they reach git. Names come from webhooks and configuration; git
/// would take one starting with `-` as an option, and some characters change what a refspec means.
public enum RefName {
    /// Whether `name` is a branch name Trainyard is willing to pass to git: the rules of
    /// `git check-ref-format --branch`, plus no leading `-`, no whitespace and at most 255 bytes.
    public static func isValidBranch(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 255, !name.hasPrefix("-"), !name.hasPrefix("/"),
            !name.hasSuffix("/"), !name.hasSuffix("."), !name.hasSuffix(".lock"), !name.contains(".."),
            !name.contains("//"), !name.contains("@{"), name != "@"
        else { return false }
        let forbidden: Set<Character> = ["~", "^", ":", "?", "*", "[", "\\", " ", "\t", "\n", "\r", "\u{7f}"]
        for character in name {
            if forbidden.contains(character) { return false }
            if character.unicodeScalars.contains(where: { $0.value < 0x20 }) { return false }
        }
        return !name.split(separator: "/").contains { $0.hasPrefix(".") }
    }

    /// Throws unless `name` is a valid branch name.
    public static func validateBranch(_ name: String) throws -> String {
        guard isValidBranch(name) else {
            throw GitError(
                command: [], message: "refusing the branch name \(String(reflecting: name)): not a safe git branch name"
            )
        }
        return name
    }
}

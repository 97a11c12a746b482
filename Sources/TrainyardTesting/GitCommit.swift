import Foundation

/// What webhook payloads tell about a commit.
struct GitCommit: Sendable {
    let id: String
    let message: String
    let authorName: String
    let authorEmail: String
    /// Strict ISO 8601 with the author's offset, as git's `%aI` prints it: `2012-01-03T23:36:29+02:00`.
    let timestamp: String
    var added: [String] = []
    var modified: [String] = []
    var removed: [String] = []

    /// The first line of the message.
    var title: String {
        message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
    }

    /// A commit known only by its id, used when git could not tell more.
    static func unknown(_ id: String) -> GitCommit {
        GitCommit(id: id, message: "", authorName: "", authorEmail: "", timestamp: "")
    }
}

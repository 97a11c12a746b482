import Foundation

/// A GitLab user, made up on first mention of a username.
struct FakeUser: Sendable {
    let id: Int
    let username: String

    /// The display name: the username with its first letter capitalized.
    var name: String { username.prefix(1).uppercased() + username.dropFirst() }
    var email: String { "\(username)@example.com" }
}

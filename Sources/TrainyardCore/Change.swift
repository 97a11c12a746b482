/// A merge request waiting on a train, with the head commit that was approved for merging.
public struct Change: Hashable, Codable, Sendable {
    /// The merge request's number within its project (GitLab `iid`).
    public var number: Int
    /// The head commit the change was queued with; only this commit may land.
    public var head: SHA
    public var title: String
    public var sourceBranch: String
    /// Who asked for the merge (a forge username or `api`).
    public var requestedBy: String
    /// When it was queued; also the timestamp of its merge commit, so that rebuilding a car
    /// gives the same commit id.
    public var enqueuedAt: Instant

    public init(
        number: Int, head: SHA, title: String = "", sourceBranch: String = "", requestedBy: String = "",
        enqueuedAt: Instant
    ) {
        self.number = number
        self.head = head
        self.title = title
        self.sourceBranch = sourceBranch
        self.requestedBy = requestedBy
        self.enqueuedAt = enqueuedAt
    }

    /// `!12`, as GitLab writes a merge request reference.
    public var reference: String { "!\(number)" }
}

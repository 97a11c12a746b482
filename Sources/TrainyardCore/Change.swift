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
    /// Higher goes ahead of lower; equal priorities keep their queue order.
    public var priority: Int
    /// "Merge immediately": goes to the front of the queue, behind only a car that is landing.
    public var skipLine: Bool
    /// Whether a priority or skip-line change may go ahead of changes that cars already hold,
    /// which cancels those cars (`nil` means it may). When it may not, it goes right behind the
    /// last change a car holds and every car keeps running (Mergify's `allow_checks_interruption`).
    public var interruptsCars: Bool?

    public init(
        number: Int, head: SHA, title: String = "", sourceBranch: String = "", requestedBy: String = "",
        enqueuedAt: Instant, priority: Int = 0, skipLine: Bool = false, interruptsCars: Bool? = nil
    ) {
        self.interruptsCars = interruptsCars
        self.priority = priority
        self.skipLine = skipLine
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

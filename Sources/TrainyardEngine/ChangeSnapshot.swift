import TrainyardCore

/// An open merge request as the forge lists it, for the reconciler to compare with the train.
public struct ChangeSnapshot: Hashable, Sendable {
    public var number: Int
    public var head: SHA
    public var target: String
    /// When the forge last saw it change (a push, a comment, a label, a state).
    public var updatedAt: Instant

    public init(number: Int, head: SHA, target: String, updatedAt: Instant) {
        self.number = number
        self.head = head
        self.target = target
        self.updatedAt = updatedAt
    }
}

/// A comment on a merge request as the forge lists it: what the reconciler replays when its
/// webhook was lost.
public struct CommentSnapshot: Hashable, Sendable {
    /// The forge's id of the comment (GitLab's note id, GitHub's issue comment id): a comment is
    /// obeyed once, whether it came by webhook or by the reconciler.
    public var id: Int
    public var author: String
    public var authorID: Int?
    public var body: String
    public var createdAt: Instant

    public init(id: Int, author: String, authorID: Int?, body: String, createdAt: Instant) {
        self.id = id
        self.author = author
        self.authorID = authorID
        self.body = body
        self.createdAt = createdAt
    }

    /// The inbox key of a comment, the same for its webhook and for the reconciler's replay, so
    /// that a comment is stored (and obeyed) once.
    public static func deliveryKey(_ id: Int) -> String { "comment:\(id)" }

    /// `comments` in the order they were written (by id within one time: forges write times to
    /// the second), as the reconciler replays them.
    public static func oldestFirst(_ comments: [CommentSnapshot]) -> [CommentSnapshot] {
        comments.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }
}

/// A forge adapter that cannot list merge requests or comments: the reconciler says so in the
/// log and repairs nothing for its trains.
public struct ReconcileUnsupported: Error, CustomStringConvertible {
    public var description: String { "this forge adapter cannot list merge requests and comments" }
    public init() {}
}

extension ForgePort {
    public func openMergeRequests(
        project: ProjectSettings, target: String, since: Instant?
    ) async throws -> [ChangeSnapshot] {
        throw ReconcileUnsupported()
    }

    public func comments(project: ProjectSettings, number: Int, since: Instant) async throws -> [CommentSnapshot] {
        throw ReconcileUnsupported()
    }
}

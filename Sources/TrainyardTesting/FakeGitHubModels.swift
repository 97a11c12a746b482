import Foundation

/// A pull request of the fake GitHub.
public struct FakePull: Sendable, Equatable {
    public var number: Int
    public var title: String
    public var headRef: String
    public var head: String
    public var base: String
    /// `open` or `closed`.
    public var state: String
    public var merged: Bool
    public var draft: Bool
    public var author: String
    /// When it last changed (`updated_at`): its creation, a push, a comment, its merging.
    public var updatedAt = Date()
    /// Whether it conflicts with its base (`mergeable: false`).
    public var conflicted = false
}

/// An issue comment on a pull request.
public struct FakeGitHubComment: Sendable, Equatable {
    public var id: Int
    public var body: String
    public var author: String
    public var createdAt = Date()
}

/// A commit status.
public struct FakeGitHubStatus: Sendable, Equatable {
    public var sha: String
    public var context: String
    /// `pending`, `success`, `failure` or `error`.
    public var state: String
    public var description: String
}

/// A check run, made by a fake workflow's job or through the API.
public struct FakeCheckRun: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var headSha: String
    /// `queued`, `in_progress` or `completed`.
    public var status: String
    public var conclusion: String?
    public var title: String?
    /// The workflow run it belongs to; nil for one made through the API.
    public var run: Int?
}

/// A run of the fake's workflow: one per push of a branch the workflow runs on.
public struct FakeWorkflowRun: Sendable, Equatable {
    public var id: Int
    public var headSha: String
    public var headBranch: String
    public var status: String
    public var conclusion: String?
    public var attempt: Int
}

/// Everything the fake GitHub keeps about one repository.
struct FakeGitHubRepo: Sendable {
    let id: Int
    let path: String
    let repository: FakeGitRepository
    let workClone: FakeWorkClone
    let gitURL: URL
    var pulls: [Int: FakePull] = [:]
    var comments: [Int: [FakeGitHubComment]] = [:]
    var statuses: [FakeGitHubStatus] = []
    var checkRuns: [FakeCheckRun] = []
    var runs: [FakeWorkflowRun] = []
    /// Required checks by branch, from classic branch protection; a branch not listed is not protected.
    var protection: [String: [String]] = [:]
    /// Required checks by branch, from rulesets.
    var rules: [String: [String]] = [:]
    /// Repository permissions by login (`read`, `triage`, `write`, `maintain`, `admin`); `write` when unlisted.
    var permissions: [String: String] = [:]
    /// Reviews by pull request, oldest first: the reviewer's login and `APPROVED`,
    /// `CHANGES_REQUESTED`, `COMMENTED` or `DISMISSED`.
    var reviews: [Int: [(login: String, state: String)]] = [:]
    /// Approving reviews branch protection requires, by branch.
    var requiredReviews: [String: Int] = [:]
    var nextNumber = 1
}

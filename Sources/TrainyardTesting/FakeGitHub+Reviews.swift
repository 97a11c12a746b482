import Foundation

/// Reviews, review rules and conflicts: what makes a pull request ready to merge.
extension FakeGitHub {
    /// A review of pull request `number` by `login`: `APPROVED`, `CHANGES_REQUESTED`,
    /// `COMMENTED` or `DISMISSED`.
    public func review(_ path: String, number: Int, by login: String, _ state: String) {
        guard repos[path]?.pulls[number] != nil else { return }
        repos[path]!.reviews[number, default: []].append((login, state))
        repos[path]!.pulls[number]!.updatedAt = now
    }

    /// Requires `count` approving reviews on `branch` (branch protection); nil removes the rule.
    public func requireReviews(_ path: String, branch: String, _ count: Int?) {
        repos[path]?.requiredReviews[branch] = count
    }

    /// Marks pull request `number` as conflicting with its base, or not.
    public func setConflicted(_ path: String, number: Int, _ conflicted: Bool) {
        repos[path]?.pulls[number]?.conflicted = conflicted
    }
}

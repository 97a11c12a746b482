import TrainyardCore

/// What a change must have before `merge` puts it on a train (a project's `merge_checks`). A
/// draft is always refused; these are the checks a project chooses.
public enum MergeCheck: String, Hashable, Codable, Sendable, CaseIterable, Comparable {
    /// The approvals the forge requires (GitLab's approval rules; on GitHub the review count of
    /// the target's branch protection), and no review that requests changes on GitHub.
    case approvals
    /// No unresolved blocking discussion (GitLab) or requested changes (GitHub).
    case discussions
    /// The change's own pipeline (GitLab) or checks (GitHub) on its head passed.
    case pipeline
    /// No conflict with the target, as the forge computed it.
    case conflicts

    /// The checks a project runs when its configuration names none.
    public static let defaults: Set<MergeCheck> = [.approvals, .discussions, .conflicts]

    public static func < (lhs: MergeCheck, rhs: MergeCheck) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A forge adapter that cannot tell whether a change is ready to merge.
public struct ReadinessUnsupported: Error, CustomStringConvertible {
    public var description: String { "this forge adapter cannot check whether a change is ready to merge" }
    public init() {}
}

extension ForgePort {
    public func unreadiness(
        project: ProjectSettings, change: MergeRequestInfo, checks: Set<MergeCheck>
    ) async throws -> [String] {
        throw ReadinessUnsupported()
    }
}

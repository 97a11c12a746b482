import Foundation
import TrainyardCore
import TrainyardEngine

/// Keeping a mirror small. Mirrors are made with `gc.auto 0` so that no git command stops to
/// repack in the middle of building a car; instead the engine calls ``maintain(project:keeping:)``
/// once a day.
///
/// What goes: the fetched heads of merge requests that are no longer on a train
/// (`refs/trainyard/changes/<iid>`) and every fetched car (`refs/trainyard/cars/...`); then
/// `git gc` packs the rest and deletes objects nothing has referred to for a day. What stays: the
/// targets (`refs/trainyard/targets/...`) and everything still on a train. Anything dropped that
/// is needed again is fetched again: ``buildCar(project:ref:base:changes:)`` fetches a head or a
/// base it does not have, and ``land(project:target:commit:expected:)`` fetches the car branches
/// when the car's commit is gone. Objects written in the last day are never pruned, so a car built
/// while `gc` runs keeps its commits.
extension GitMirror {
    /// The grace period of `git gc --prune`: unreferenced objects younger than this stay.
    static let pruneAge = "1.day.ago"

    @discardableResult
    public func maintain(project: ProjectSettings, keeping changes: Set<Int>) async throws -> Int {
        let repo = try await mirror(project)
        let listed = try await git.check(
            ["for-each-ref", "--format=%(refname)", "refs/trainyard/changes/", "refs/trainyard/cars/"], in: repo)
        let stale = listed.split(separator: "\n").map(String.init).filter { ref in
            guard let number = Self.changeNumber(ref) else { return ref.hasPrefix("refs/trainyard/cars/") }
            return !changes.contains(number)
        }
        for ref in stale {
            try await git.check(["update-ref", "-d", "--end-of-options", ref], in: repo)
        }
        try await git.check(["gc", "--quiet", "--prune=\(Self.pruneAge)"], in: repo)
        if !stale.isEmpty {
            logger.info(
                "tidied a git mirror",
                metadata: ["project": "\(project.key)", "refs": "\(stale.count)"])
        }
        return stale.count
    }

    /// The merge request number of a `refs/trainyard/changes/<iid>` ref, nil for anything else.
    static func changeNumber(_ ref: String) -> Int? {
        let prefix = "refs/trainyard/changes/"
        guard ref.hasPrefix(prefix) else { return nil }
        return Int(ref.dropFirst(prefix.count))
    }
}

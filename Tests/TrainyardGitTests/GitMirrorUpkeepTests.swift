import Foundation
import Logging
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardGit

/// Tidying a mirror against real repositories: the refs of finished changes and cars go, old
/// unreferenced commits are pruned, and the mirror still builds and lands afterwards.
struct GitMirrorUpkeepTests {
    static func refs(_ fixture: GitFixture, _ repo: String) async throws -> [String] {
        try await fixture.git.check(["for-each-ref", "--format=%(refname)", "refs/trainyard/"], in: repo)
            .split(separator: "\n").map(String.init).sorted()
    }

    static func repo(_ fixture: GitFixture, _ folder: String = "mirrors") -> String {
        fixture.root.appendingPathComponent("\(folder)/gitlab/group/app.git").path
    }

    @Test func dropsTheRefsOfFinishedChangesAndCarsAndKeepsTheRest() async throws {
        let fixture = try await GitFixture()
        defer { fixture.remove() }
        let mirror = fixture.mirror()
        let (base, commit) = try await fixture.carOfOneChange(mirror)
        let two = try await fixture.mergeRequest(2, ["two.txt": "2\n"])
        _ = try await mirror.buildCar(project: fixture.project, ref: "trainyard/main/2", base: base, changes: [two])
        let repo = Self.repo(fixture)
        #expect(
            try await Self.refs(fixture, repo) == [
                "refs/trainyard/changes/1", "refs/trainyard/changes/2", "refs/trainyard/targets/main",
            ])
        // Another replica's mirror lands car 1, fetching the car branches into `refs/trainyard/cars/`.
        let other = GitMirror(root: fixture.root.appendingPathComponent("other").path, logger: Logger(label: "test"))
        #expect(
            try await other.land(project: fixture.project, target: "main", commit: commit, expected: base) == .landed)
        let otherRepo = Self.repo(fixture, "other")
        #expect(
            try await Self.refs(fixture, otherRepo) == [
                "refs/trainyard/cars/main/1", "refs/trainyard/cars/main/2", "refs/trainyard/targets/main",
            ])

        #expect(try await mirror.maintain(project: fixture.project, keeping: [2]) == 1, "change 1 is done")
        #expect(try await Self.refs(fixture, repo) == ["refs/trainyard/changes/2", "refs/trainyard/targets/main"])
        #expect(try await other.maintain(project: fixture.project, keeping: [2]) == 2, "both cars")
        #expect(try await Self.refs(fixture, otherRepo) == ["refs/trainyard/targets/main"])
        let counts = try await fixture.git.check(["count-objects", "-v"], in: repo)
        #expect(counts.contains("\npacks: 1\n"), "what is referenced is in one pack: \(counts)")
        #expect(try await mirror.maintain(project: fixture.project, keeping: [2]) == 0, "a second run drops nothing")

        // Both mirrors still work: change 2 goes on top of the landed car 1.
        for (name, tidied) in [("mirror", mirror), ("other", other)] {
            let head = try await tidied.targetHead(project: fixture.project, target: "main")
            let rebuilt = try await tidied.buildCar(
                project: fixture.project, ref: "trainyard/main/3", base: head, changes: [two])
            guard case .built(let car3) = rebuilt else {
                Issue.record("\(name): expected a built car, got \(rebuilt)")
                return
            }
            #expect(
                try await tidied.land(project: fixture.project, target: "main", commit: car3, expected: head) == .landed
            )
        }
    }

    @Test func prunesOnlyUnreferencedObjectsOlderThanADay() async throws {
        let fixture = try await GitFixture()
        defer { fixture.remove() }
        let mirror = fixture.mirror()
        let (_, commit) = try await fixture.carOfOneChange(mirror)
        let repo = Self.repo(fixture)
        try await mirror.maintain(project: fixture.project, keeping: [])
        #expect(try await Self.exists(fixture, repo, commit), "a car built today survives tidying")

        // Age the unreferenced objects by two days, as if the car had been abandoned then.
        let objects = URL(fileURLWithPath: repo).appendingPathComponent("objects")
        let old = Date().addingTimeInterval(-2 * 86_400)
        let files =
            FileManager.default.enumerator(at: objects, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? []
        for file in files where !file.hasDirectoryPath {
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: file.path)
        }
        try await mirror.maintain(project: fixture.project, keeping: [])
        #expect(try await !Self.exists(fixture, repo, commit), "an abandoned car two days old is pruned")
        let target = try await mirror.targetHead(project: fixture.project, target: "main")
        #expect(try await Self.exists(fixture, repo, target), "the target is kept")
    }

    static func exists(_ fixture: GitFixture, _ repo: String, _ commit: SHA) async throws -> Bool {
        try await fixture.git.run(["cat-file", "-e", "\(commit.value)^{commit}"], in: repo).succeeded
    }
}

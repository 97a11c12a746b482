import Foundation
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardGit

/// The git adapter against real repositories.
struct GitMirrorTests {
    @Test func buildsAStackedCarWithoutAWorkTreeAndPushesIt() async throws {
        let fixture = try await GitFixture()
        defer { fixture.remove() }
        let mirror = fixture.mirror()
        let base = try await mirror.targetHead(project: fixture.project, target: "main")
        let one = try await fixture.mergeRequest(1, ["one.txt": "1\n"])
        let two = try await fixture.mergeRequest(2, ["two.txt": "2\n"])
        let car1 = try await mirror.buildCar(
            project: fixture.project, ref: "trainyard/main/1", base: base, changes: [one])
        let car2 = try await mirror.buildCar(
            project: fixture.project, ref: "trainyard/main/2", base: base, changes: [one, two])
        guard case .built(let commit1) = car1, case .built(let commit2) = car2 else {
            Issue.record("expected built cars, got \(car1) and \(car2)")
            return
        }
        #expect(try await fixture.remoteHead("trainyard/main/2") == commit2)
        #expect(try await fixture.firstParent(of: commit2) == commit1, "car 2 stacks on car 1's very commit")
        #expect(try await fixture.file("one.txt", at: commit2) == "1\n")
        #expect(try await fixture.file("two.txt", at: commit2) == "2\n")
        let again = try await mirror.buildCar(
            project: fixture.project, ref: "trainyard/main/3", base: base, changes: [one])
        #expect(again == .built(commit1), "rebuilding the same car gives the same commit")
    }

    @Test func conflictNamesTheChangeAndThePaths() async throws {
        let fixture = try await GitFixture()
        defer { fixture.remove() }
        let mirror = fixture.mirror()
        let base = try await mirror.targetHead(project: fixture.project, target: "main")
        let one = try await fixture.mergeRequest(1, ["README.md": "one\n"])
        let two = try await fixture.mergeRequest(2, ["README.md": "two\n", "other.txt": "x\n"])
        let result = try await mirror.buildCar(
            project: fixture.project, ref: "trainyard/main/1", base: base, changes: [one, two])
        #expect(result == .conflict(change: 2, paths: ["README.md"]))
        #expect(try await fixture.remoteHead("trainyard/main/1") == nil, "a conflicting car is not pushed")
    }

    @Test func landsOnlyByFastForwardFromTheExpectedHead() async throws {
        let fixture = try await GitFixture()
        defer { fixture.remove() }
        let mirror = fixture.mirror()
        let (base, commit) = try await fixture.carOfOneChange(mirror)
        let landed = try await mirror.land(project: fixture.project, target: "main", commit: commit, expected: base)
        #expect(landed == .landed)
        #expect(try await fixture.remoteHead("main") == commit)
        let repeated = try await mirror.land(project: fixture.project, target: "main", commit: commit, expected: base)
        #expect(repeated == .landed, "a retried landing that already happened is done, not refused")
    }

    @Test func refusesToLandWhenTheTargetMoved() async throws {
        let fixture = try await GitFixture()
        defer { fixture.remove() }
        let mirror = fixture.mirror()
        let (base, commit) = try await fixture.carOfOneChange(mirror)
        let hotfix = try await fixture.pushToMain(["hotfix.txt": "fix\n"])
        let result = try await mirror.land(project: fixture.project, target: "main", commit: commit, expected: base)
        guard case .rejected(let message) = result else {
            Issue.record("expected a rejection, got \(result)")
            return
        }
        #expect(message.contains("not at \(base.short)"))
        #expect(try await fixture.remoteHead("main") == hotfix, "the person's commit is never overwritten")
    }

    @Test func refusesANonFastForwardEvenFromTheExpectedHead() async throws {
        let fixture = try await GitFixture()
        defer { fixture.remove() }
        let mirror = fixture.mirror()
        let base = try await mirror.targetHead(project: fixture.project, target: "main")
        let unrelated = try await fixture.mergeRequest(9, ["x.txt": "x\n"])
        _ = try await mirror.buildCar(
            project: fixture.project, ref: "trainyard/main/9", base: base, changes: [unrelated])
        let hotfix = try await fixture.pushToMain(["hotfix.txt": "fix\n"])
        _ = try await mirror.targetHead(project: fixture.project, target: "main")
        let result = try await mirror.land(
            project: fixture.project, target: "main", commit: unrelated.head, expected: hotfix)
        #expect(result == .rejected("\(unrelated.head.short) is not a fast-forward of \(hotfix.short)"))
        #expect(try await fixture.remoteHead("main") == hotfix)
    }

    @Test func missingHeadMakesTheChangeUnusable() async throws {
        let fixture = try await GitFixture()
        defer { fixture.remove() }
        let mirror = fixture.mirror()
        let base = try await mirror.targetHead(project: fixture.project, target: "main")
        let ghost = Change(number: 5, head: SHA(String(repeating: "e", count: 40)), enqueuedAt: Instant(seconds: 1))
        let result = try await mirror.buildCar(
            project: fixture.project, ref: "trainyard/main/1", base: base, changes: [ghost])
        guard case .unusable(let change, _) = result else {
            Issue.record("expected unusable, got \(result)")
            return
        }
        #expect(change == 5)
    }

    @Test func deletingABranchThatIsGoneSucceeds() async throws {
        let fixture = try await GitFixture()
        defer { fixture.remove() }
        try await fixture.mirror().deleteBranch(project: fixture.project, branch: "trainyard/main/77")
    }

    @Test(arguments: [
        "--upload-pack=touch /tmp/pwned", "-o", "refs/../x", "a..b", "with space", "new\nline", "nul\u{0}byte",
        "colon:x",
        "star*", "ends.lock", "trailing/", "/leading", ".hidden/x", "x/.hidden", "tilde~1", "caret^", "at@{1}",
        String(repeating: "a", count: 256),
    ])
    func refusesUnsafeBranchNames(name: String) async throws {
        #expect(!RefName.isValidBranch(name))
        let fixture = try await GitFixture()
        defer { fixture.remove() }
        await #expect(throws: GitError.self) {
            _ = try await fixture.mirror().targetHead(project: fixture.project, target: name)
        }
    }

    @Test(arguments: ["main", "release/1.x", "feature_x-2", "trainyard/main/12", "ünïcode"])
    func acceptsOrdinaryBranchNames(name: String) {
        #expect(RefName.isValidBranch(name))
    }
}

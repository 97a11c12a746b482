import Foundation
import Testing
import TrainyardCore
import TrainyardEngine

@testable import TrainyardStore

/// Review apps on both stores: state read back per project, timers set with it, fenced writes.
struct ReviewAppContractTests {
    static let project = ProjectKey(forge: "gitlab", path: "group/app")

    @Test(arguments: StoreKind.allCases)
    func stateIsReadBackWithItsTimers(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            #expect(try await store.reviewApps(of: Self.project) == nil)
            var apps = ReviewApps(settings: ReviewAppSettings(urlTemplate: "https://mr-{iid}.example.com"))
            _ = apps.apply(
                .changeUpdated(
                    number: 12, head: SHA(String(repeating: "a", count: 40)), sourceBranch: "feature", draft: false,
                    now: Instant(seconds: 1_800_000_000)))
            let owner = Owner.reviewApps(Self.project)
            let wake = TimerChange(owner: owner, name: "wake", .set(Instant(seconds: 1_800_000_060)))
            try await store.commit(
                reviewApps: apps, of: Self.project, timers: [wake], finishing: nil, at: Instant(seconds: 1), fence: nil)
            #expect(try await store.reviewApps(of: Self.project) == apps)
            #expect(try await store.nextWake(owner: owner) == Instant(seconds: 1_800_000_060))
            #expect(try await store.reviewApps(of: ProjectKey(forge: "gitlab", path: "group/other")) == nil)
            var changed = apps
            changed.apps[12]?.pinned = true
            try await store.commit(
                reviewApps: changed, of: Self.project, timers: [], finishing: nil, at: Instant(seconds: 2), fence: nil)
            #expect(try await store.reviewApps(of: Self.project)?.apps[12]?.pinned == true)
        }
    }

    @Test func ownersOfReviewAppsReadBack() {
        let owner = Owner.reviewApps(Self.project)
        #expect(owner.key == "review-apps:gitlab:group/app")
        #expect(Owner(key: owner.key) == owner)
        #expect(Owner(key: "review-apps:") == nil && Owner(key: "review-apps:gitlab") == nil)
        #expect(owner.project == Self.project)
    }
}

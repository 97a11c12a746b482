import Foundation
import Testing
import TrainyardCore
import TrainyardEngine

@testable import TrainyardStore

/// Schedules on both stores: state read back, a claim stored once, fenced writes, deletion.
struct ScheduleContractTests {
    static let definition = ScheduleDefinition(
        name: "nightly", forge: "gitlab", project: "group/app", ref: "main", cron: "30 2 * * *",
        timeZone: "Europe/Berlin")

    @Test(arguments: StoreKind.allCases)
    func claimsAreUniqueAndNothingIsWrittenWhenOneWasTaken(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            var schedule = Schedule(definition: Self.definition)
            _ = schedule.apply(.defined(Self.definition, now: Instant(seconds: 1_700_000_000)))
            let wake = TimerChange(owner: .schedule("nightly"), name: "wake", .set(Instant(seconds: 1_700_000_100)))
            try await store.commit(
                schedule: schedule, claims: ["slot@1"], timers: [wake], finishing: nil, at: Instant(seconds: 1),
                fence: nil)
            #expect(try await store.schedule(named: "nightly") == schedule)
            #expect(try await store.nextWake(owner: .schedule("nightly")) == Instant(seconds: 1_700_000_100))

            var changed = schedule
            changed.pausedBy = "carol (API)"
            await #expect(throws: ClaimTakenError.self) {
                try await store.commit(
                    schedule: changed, claims: ["slot@2", "slot@1"], timers: [], finishing: nil,
                    at: Instant(seconds: 2), fence: nil)
            }
            #expect(try await store.schedule(named: "nightly") == schedule, "nothing was written")
            #expect(try await store.claims(schedule: "nightly") == ["slot@1"])
            try await store.commit(
                schedule: changed, claims: ["slot@2"], timers: [], finishing: nil, at: Instant(seconds: 3), fence: nil)
            #expect(try await store.claims(schedule: "nightly") == ["slot@1", "slot@2"])
            #expect(try await store.schedules().map(\.pausedBy) == ["carol (API)"])

            try await store.deleteSchedule(
                named: "nightly", timers: [TimerChange(owner: .schedule("nightly"), name: "wake", .clear)],
                finishing: nil, at: Instant(seconds: 4), fence: nil)
            #expect(try await store.schedule(named: "nightly") == nil)
            #expect(try await store.claims(schedule: "nightly").count == 2, "claims outlive the schedule")
            #expect(try await store.nextWake(owner: .schedule("nightly")) == nil)

            // Claims older than the retention go with the rest of the history, batch by batch.
            #expect(try await store.pruneHistory(before: Instant(seconds: 2), limit: 10) == 1)
            #expect(try await store.claims(schedule: "nightly") == ["slot@2"])
            #expect(try await store.pruneHistory(before: Instant(seconds: 100), limit: 10) == 1)
            #expect(try await store.claims(schedule: "nightly").isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aWriteUnderALostLeaseIsRefused(kind: StoreKind) async throws {
        try await TestStore.with(kind) { test in
            let store = test.store
            let owner = Owner.schedule("nightly")
            let first = try #require(try await store.acquireLease(owner, holder: "a", seconds: 60))
            try await store.releaseLease(first)
            let second = try #require(try await store.acquireLease(owner, holder: "b", seconds: 60))
            let schedule = Schedule(definition: Self.definition)
            await #expect(throws: FencedError.self) {
                try await store.commit(
                    schedule: schedule, claims: ["slot@1"], timers: [], finishing: nil, at: Instant(seconds: 1),
                    fence: first)
            }
            #expect(try await store.claims(schedule: "nightly").isEmpty)
            try await store.commit(
                schedule: schedule, claims: ["slot@1"], timers: [], finishing: nil, at: Instant(seconds: 1),
                fence: second)
            #expect(try await store.claims(schedule: "nightly") == ["slot@1"])
            #expect(Owner(key: owner.key) == owner)
        }
    }
}

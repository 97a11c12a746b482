import Testing
import TrainyardCore

/// `priority N` on a queued change: it moves to its new place without interrupting any car.
struct ReprioritizeTests {
    static func comments(_ actions: [TrainAction]) -> [String] {
        actions.compactMap { if case .comment(_, let body) = $0 { body } else { nil } }
    }

    @Test func aWaitingChangeMovesAheadOfLowerPrioritiesButBehindTheCars() {
        var (train, _) = Fixture.queued([1, 2, 3, 4], window: 1, planner: .serial)
        _ = Fixture.startAll(&train)
        let cars = train.cars.map(\.id)
        let actions = train.apply(.changeReprioritized(number: 4, priority: 5, by: "@maya"))
        #expect(train.queue.map(\.number) == [1, 4, 2, 3], "behind !1, which car 1 holds")
        #expect(train.cars.map(\.id) == cars, "no car was interrupted")
        #expect(
            Self.comments(actions)
                == [
                    "@maya gave !4 priority 5: it is now at position 2 of 4 on the merge train of `main` (it was at 4)."
                ])
        _ = train.apply(.changeReprioritized(number: 4, priority: -1, by: "@maya"))
        #expect(train.queue.map(\.number) == [1, 2, 3, 4], "a lower priority goes behind the others")
    }

    @Test func aChangeInACarOrOffTheTrainStaysWhereItIs() {
        var (train, _) = Fixture.queued([1, 2], window: 1, planner: .serial)
        _ = Fixture.startAll(&train)
        let held = Self.comments(train.apply(.changeReprioritized(number: 1, priority: 9, by: "@maya")))
        #expect(held.first?.hasPrefix("!1 is already in car 1") == true)
        #expect(train.queue.first?.priority == 0)
        let missing = Self.comments(train.apply(.changeReprioritized(number: 7, priority: 9, by: "@maya")))
        #expect(missing == ["!7 is not on the merge train of `main`."])
    }
}

import Foundation
import Testing
@testable import TrainyardCore

/// After `carBuilt` and `pipelineCreated` (a car moving along its way) the train skips its pass
/// over the cars when the last pass settled with the same settings and shared budget; these
/// check when it does and that it then acts exactly as the full pass would.
struct SettledPassTests {
    /// A train whose cars were just asked for, and one whose first car was built after that.
    static func building() -> Train {
        var (train, _) = Fixture.queued([1, 2, 3], window: 2)
        _ = train.apply(.carBuilt(car: CarID(1), commit: Fixture.sha("car-1")))
        return train
    }

    @Test func aStepAlongTheWayAfterASettledPassSkipsItAndActsTheSame() {
        let train = Self.building()
        #expect(train.settledPlan.value != nil, "a pass that started nothing settled")
        #expect(train.planIsSettled)
        let event = TrainEvent.carBuilt(car: CarID(2), commit: Fixture.sha("car-2"))
        let skipped = train.applyCopy(event, skippingSettledPass: true)
        let full = train.applyCopy(event, skippingSettledPass: false)
        #expect(skipped.0 == full.0)
        #expect(skipped.1 == full.1)
        #expect(
            skipped.1.contains(.startPipeline(car: CarID(2), ref: "trainyard/main/2", commit: Fixture.sha("car-2"))))
    }

    @Test func aPassThatStartedCarsHasNotSettled() {
        var (train, _) = Fixture.queued([1], window: 2)
        let actions = train.apply(.changeEnqueued(Fixture.change(2)))
        #expect(actions.builds == [[1, 2]])
        #expect(train.settledPlan.value == nil, "cars just started count as running in the next plan")
        #expect(!train.planIsSettled)
    }

    /// What the pass planned with must still hold: new settings or a new share of the CI budget
    /// can change the plan, so the next step runs the full pass.
    @Test(arguments: ["settings", "budget"])
    func changedInputsRunTheFullPass(_ input: String) {
        var train = Self.building()
        if input == "settings" {
            train.settings.maxParallel = 3
        } else {
            train.sharedBudget = SharedBudget(limit: 1, others: [:])
        }
        #expect(!train.planIsSettled)
        let actions = train.apply(.carBuilt(car: CarID(2), commit: Fixture.sha("car-2")))
        if input == "settings" {
            #expect(actions.builds == [[1, 2, 3]], "the wider window is filled")
        } else {
            #expect(train.settledPlan.value?.budget == train.sharedBudget, "the pass ran with the new budget")
        }
    }

    /// `bors` waits for its batch delay: once the wake-up it asked for is due, the plan may change
    /// with the time alone, so a step along the way runs the full pass.
    @Test func aDueWakeUpRunsTheFullPass() {
        var train = Self.building()
        train.wakeAt = Instant(seconds: 1_700_000_100)
        train.now = Instant(seconds: 1_700_000_050)
        #expect(train.planIsSettled)
        train.now = Instant(seconds: 1_700_000_100)
        #expect(!train.planIsSettled)
    }

    /// The memo is no part of the train's state: trains that differ only in it are equal, and a
    /// train stored before it existed decodes with an empty one.
    @Test func theMemoIsNotState() throws {
        let settled = Self.building()
        var unsettled = settled
        unsettled.settledPlan = Memo()
        #expect(settled == unsettled)
        #expect(settled.hashValue == unsettled.hashValue)
        let stored = try JSONEncoder().encode(settled)
        var object = try #require(try JSONSerialization.jsonObject(with: stored) as? [String: Any])
        #expect(object["settledPlan"] != nil)
        object["settledPlan"] = nil
        let old = try JSONSerialization.data(withJSONObject: object)
        let decoded = try JSONDecoder().decode(Train.self, from: old)
        #expect(decoded.settledPlan.value == nil)
        #expect(decoded.queue == settled.queue)
        let again = try JSONDecoder().decode(Train.self, from: stored)
        #expect(again.settledPlan.value == settled.settledPlan.value)
    }
}

import Foundation
import Testing

@testable import TrainyardSimulator

/// The synthetic workload: Poisson rate, diurnal shape, bursts, bad changes, conflicts.
struct ArrivalsTests {
    static func workload(_ change: (inout Workload) -> Void = { _ in }) -> Workload {
        var workload = Workload(
            arrivalsPerHour: 10, pipelineMinutes: 30, badProbability: 0.1, flakeProbability: 0, capacity: 4)
        change(&workload)
        return workload
    }

    @Test func poissonArrivalsHaveTheRateAndBadShare() {
        let changes = Arrivals.generate(Self.workload(), hours: 2000, seed: 7)
        let rate = Double(changes.count) / 2000
        #expect(abs(rate - 10) < 0.3, "rate \(rate)/h")
        let bad = Double(changes.filter(\.bad).count) / Double(changes.count)
        #expect(abs(bad - 0.1) < 0.01, "bad share \(bad)")
        #expect(changes.map(\.arrival) == changes.map(\.arrival).sorted())
        #expect(changes.map(\.number) == Array(1...changes.count))
    }

    @Test func diurnalArrivalsComeInTheWorkingDayWithTheSameDailyMean() {
        let changes = Arrivals.generate(Self.workload { $0.diurnalPeak = 3 }, hours: 24 * 200, seed: 3)
        let hours = changes.map { Double($0.arrival) / 3_600_000 }.map { $0.truncatingRemainder(dividingBy: 24) }
        #expect(hours.allSatisfy { $0 >= 9 && $0 < 17 }, "every arrival between 09:00 and 17:00")
        let midday = hours.filter { $0 >= 12 && $0 < 14 }.count
        let edges = hours.filter { $0 < 10 || $0 >= 16 }.count
        #expect(midday > edges, "denser at midday than at the edges")
        let rate = Double(changes.count) / (24 * 200)
        #expect(abs(rate - 10) < 0.5, "the daily mean stays λ: \(rate)/h")
    }

    @Test func burstsRepeatOnTopOfPoissonArrivals() {
        let workload = Self.workload {
            $0.arrivalsPerHour = 0
            $0.initialBurst = 5
            $0.burstEveryHours = 10
        }
        let changes = Arrivals.generate(workload, hours: 35, seed: 1)
        #expect(
            changes.map(\.arrival) == [0, 10, 20, 30].flatMap { Array(repeating: Int64($0 * 3_600_000), count: 5) })
    }

    @Test func conflictPartnersAreEarlierChanges() {
        let changes = Arrivals.generate(Self.workload { $0.conflictProbability = 0.3 }, hours: 500, seed: 2)
        let partnered = changes.filter { $0.partner != nil }
        #expect(abs(Double(partnered.count) / Double(changes.count) - 0.3) < 0.03)
        #expect(partnered.allSatisfy { $0.partner! < $0.number && $0.partner! >= $0.number - 10 })
    }

    @Test func theSameSeedGivesTheSameChangesAndAnotherSeedOthers() {
        let workload = Self.workload()
        #expect(Arrivals.generate(workload, hours: 50, seed: 4) == Arrivals.generate(workload, hours: 50, seed: 4))
        #expect(Arrivals.generate(workload, hours: 50, seed: 4) != Arrivals.generate(workload, hours: 50, seed: 5))
    }
}

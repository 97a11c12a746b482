/// What a train learnt from its own history, for the planners that adapt.
public struct PlannerStats: Hashable, Codable, Sendable {
    /// Changes landed.
    public var landed: Int = 0
    /// Changes removed because their car failed.
    public var blamed: Int = 0
    /// Failed pipelines that were run again.
    public var retried: Int = 0
    /// Of those, the ones that then passed (so the failure was a flake).
    public var retriedPassed: Int = 0
    /// Failed cars whose changes landed in a longer car that passed, or in a copy of the same car
    /// (replicas), and probes that failed in CI for a change that then landed: proven flakes,
    /// seen without running anything again.
    public var provenFlakes: Int = 0
    /// Pipelines that passed.
    public var passedRuns: Int = 0
    /// Changes queued (`adaptive`), and when the first and the latest of them were queued
    /// (milliseconds): the train's arrival rate.
    public var arrivals: Int = 0
    public var firstArrival: Int64?
    public var lastArrival: Int64?
    /// Cars that passed on their first pipeline (`adaptive`), and the milliseconds from their build
    /// to their pass, waiting for a runner included: how long a pipeline takes.
    public var timedPipelines: Int = 0
    public var pipelineMillis: Int64 = 0
    /// The time from a car's build to its pass on its first pipeline, weighted towards the
    /// latest (every planner; each new pipeline counts a fifth): the ETA's pipeline duration.
    /// `nil` until a pipeline passed.
    public var recentPipelineMillis: Int64?
    /// The time between landings while changes waited for a car (the train was saturated) and the
    /// changes those landings brought, each sum decaying by a tenth per landing so that the latest
    /// count most; and when the last landing in that state was. Their ratio is the ETA's pace for
    /// changes no car holds yet (``saturatedGapMillis``).
    public var saturatedMillis: Double?
    public var saturatedLanded: Double?
    public var lastSaturatedLanding: Int64?

    public init() {}

    /// Counts a car that passed on its first pipeline `millis` after it was built.
    public mutating func notePipeline(millis: Int64) {
        guard let recent = recentPipelineMillis else {
            recentPipelineMillis = millis
            return
        }
        recentPipelineMillis = recent + (millis - recent) / 5
    }

    /// Counts `count` changes landed at `millis`; `saturated` when changes were waiting for a car.
    public mutating func noteLanding(of count: Int, at millis: Int64, saturated: Bool) {
        defer { lastSaturatedLanding = saturated ? millis : nil }
        guard saturated, let last = lastSaturatedLanding, millis >= last, count > 0 else { return }
        saturatedMillis = (saturatedMillis ?? 0) * 0.9 + Double(millis - last)
        saturatedLanded = (saturatedLanded ?? 0) * 0.9 + Double(count)
    }

    /// Milliseconds per change landed while changes waited for a car; `nil` until two landings
    /// in that state were seen.
    public var saturatedGapMillis: Double? {
        guard let time = saturatedMillis, let landed = saturatedLanded, landed > 0 else { return nil }
        return time / landed
    }

    private enum CodingKeys: String, CodingKey {
        case landed, blamed, retried, retriedPassed, provenFlakes, passedRuns, arrivals, firstArrival, lastArrival
        case timedPipelines, pipelineMillis, recentPipelineMillis, saturatedMillis, saturatedLanded
        case lastSaturatedLanding
    }

    /// Decodes stats stored before a field existed with that field at zero.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        landed = try container.decodeIfPresent(Int.self, forKey: .landed) ?? 0
        blamed = try container.decodeIfPresent(Int.self, forKey: .blamed) ?? 0
        retried = try container.decodeIfPresent(Int.self, forKey: .retried) ?? 0
        retriedPassed = try container.decodeIfPresent(Int.self, forKey: .retriedPassed) ?? 0
        provenFlakes = try container.decodeIfPresent(Int.self, forKey: .provenFlakes) ?? 0
        passedRuns = try container.decodeIfPresent(Int.self, forKey: .passedRuns) ?? 0
        arrivals = try container.decodeIfPresent(Int.self, forKey: .arrivals) ?? 0
        firstArrival = try container.decodeIfPresent(Int64.self, forKey: .firstArrival)
        lastArrival = try container.decodeIfPresent(Int64.self, forKey: .lastArrival)
        timedPipelines = try container.decodeIfPresent(Int.self, forKey: .timedPipelines) ?? 0
        pipelineMillis = try container.decodeIfPresent(Int64.self, forKey: .pipelineMillis) ?? 0
        recentPipelineMillis = try container.decodeIfPresent(Int64.self, forKey: .recentPipelineMillis)
        saturatedMillis = try container.decodeIfPresent(Double.self, forKey: .saturatedMillis)
        saturatedLanded = try container.decodeIfPresent(Double.self, forKey: .saturatedLanded)
        lastSaturatedLanding = try container.decodeIfPresent(Int64.self, forKey: .lastSaturatedLanding)
    }

    /// Counts a change queued at `milliseconds`.
    public mutating func noteArrival(at milliseconds: Int64) {
        arrivals += 1
        firstArrival = min(firstArrival ?? milliseconds, milliseconds)
        lastArrival = max(lastArrival ?? milliseconds, milliseconds)
    }

    /// How many changes arrive, on average, while one pipeline runs (λ·D): known once 10 changes
    /// arrived over some time and 5 pipelines were timed. A burst queued at one instant has no rate.
    public var arrivalsPerPipeline: Double? {
        guard arrivals >= 10, timedPipelines >= 5, let first = firstArrival, let last = lastArrival, last > first
        else { return nil }
        let perMillisecond = Double(arrivals - 1) / Double(last - first)
        return perMillisecond * Double(pipelineMillis) / Double(timedPipelines)
    }

    /// The share of changes that break the build, with a prior of 1 in 20.
    public var failureRate: Double { Double(blamed + 1) / Double(blamed + landed + 20) }

    /// The failures seen: changes removed, flakes proven and failed pipelines run again.
    public var failuresSeen: Int { blamed + provenFlakes + retried }

    /// The share of failures that were flakes (they passed when run again, a longer car with the
    /// same changes passed, or a probe failed for a change that landed), with a prior of 1 in 4.
    public var flakeShare: Double {
        Double(retriedPassed + provenFlakes + 1) / Double(retried + provenFlakes + blamed + 4)
    }

    /// How many times the `adaptive` planner runs a failed car again before blaming its change:
    /// enough that a good change is rarely removed for flakes when flakes are common, none when
    /// failures are nearly always real.
    public var rerunsBeforeBlame: Int {
        switch flakeShare {
        case 0.6...: return 3
        case 0.45..<0.6: return 2
        case 0.2..<0.45: return 1
        default: return 0
        }
    }

    /// How often a pipeline of a good tree fails: the failed runs proven to be flakes (they passed
    /// when run again, or a car holding the same changes passed) against every run known to have
    /// tested a good tree, with a prior of 1 in 20.
    public var flakeRate: Double {
        let flakes = retriedPassed + provenFlakes
        return Double(flakes + 1) / Double(flakes + passedRuns + 20)
    }

    /// How likely a change is good although one run holding it (and only known-good changes
    /// besides) failed: a good change's failing run against all failing runs, from the learnt
    /// failure and flake rates (about 1 in 3 at a failure rate of 1 in 10 and a flake rate of 1
    /// in 20).
    public var goodDespiteOneFailedRun: Double {
        let flaked = (1 - failureRate) * flakeRate
        return flaked / (flaked + failureRate)
    }

    /// The most copies of a car the `adaptive` planner runs.
    public static let replicaLimit = 4

    /// How many copies of each car the `adaptive` planner runs at once while it batches: enough
    /// that every copy of a car holding only good changes fails together at most 1 time in 10 (one
    /// copy that passes proves the car), at most 4; a single copy while under 1 run in 10 is a
    /// flake. More copies leave fewer batches in flight: 4 copies at a flake rate of 1 in 4 made
    /// the simulator's flaky scenario slower than 2 (see docs/benchmarks.md).
    public var replicas: Int {
        let rate = flakeRate
        guard rate >= 0.1 else { return 1 }
        var copies = 1
        var allFail = rate
        while allFail >= 0.1 && copies < Self.replicaLimit {
            copies += 1
            allFail *= rate
        }
        return copies
    }
}

import Foundation
import TrainyardCore

/// Runs scenarios × planners × seeds (and the oracles) and gathers a ``SimulationReport``.
/// Runs are independent, so they spread over the machine's cores; the result does not depend on
/// how they were spread.
public struct Simulator: Sendable {
    public var seeds: Int
    /// Called with a line per finished run (scenario, planner, seed, simulated hours).
    public var progress: (@Sendable (String) -> Void)?

    public init(seeds: Int, progress: (@Sendable (String) -> Void)? = nil) {
        self.seeds = max(1, seeds)
        self.progress = progress
    }

    public func run(_ scenarios: [Scenario], planners: [String]) -> SimulationReport {
        SimulationReport(scenarios: scenarios.map { run($0, planners: planners) })
    }

    /// One job: a planner (or an oracle variant) on one seed.
    private enum Job {
        case planner(String, TrainSettings)
        case oracle(Oracle, reruns: Bool)

        var name: String {
            switch self {
            case .planner(let name, _): return name
            case .oracle(let oracle, let reruns): return oracle.key(reruns: reruns)
            }
        }
    }

    public func run(_ scenario: Scenario, planners: [String]) -> ScenarioResult {
        let workload = scenario.workload
        var kinds: [Job] = Oracle.allCases.flatMap { [Job.oracle($0, reruns: false), .oracle($0, reruns: true)] }
        for name in planners {
            if let settings = PlannerCatalog.settings(name, for: workload) { kinds.append(.planner(name, settings)) }
        }
        let jobs = (1...seeds).flatMap { seed in kinds.map { (seed: UInt64(seed), job: $0) } }
        let changesBySeed = (1...seeds).map { Arrivals.generate(workload, hours: scenario.hours, seed: UInt64($0)) }
        let warmup = workload.arrivalsPerHour > 0 ? Int64(scenario.hours * 0.1 * 3_600_000) : 0
        let arrivalEnd = Int64(scenario.hours * 3_600_000)
        let results = ResultBox(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            let (seed, job) = jobs[index]
            let changes = changesBySeed[Int(seed) - 1]
            let ledger: Ledger
            switch job {
            case .planner(_, let settings):
                var simulation = TrainSimulation(
                    workload: workload, hours: scenario.hours, changes: changes, settings: settings, seed: seed)
                ledger = simulation.run()
            case .oracle(let oracle, let reruns):
                ledger = oracle.run(workload, hours: scenario.hours, changes: changes, seed: seed, reruns: reruns)
            }
            let metrics = ledger.metrics(warmup: warmup, arrivalEnd: arrivalEnd)
            let first = seed == 1
            results.set(
                index,
                SeedResult(
                    metrics: metrics, ttm: first ? ledger.ttmSample(warmup: warmup) : [],
                    trace: first ? ledger.queueTrace() : []))
            let hours = String(format: "%.0f", Double(ledger.end) / 3_600_000)
            let verdict = metrics.stable ? "" : " (unstable, stopped)"
            progress?("\(scenario.id) \(job.name) seed \(seed): \(hours) simulated hours\(verdict)")
        }
        var byName: [String: [SeedResult]] = [:]
        for (index, (_, job)) in jobs.enumerated() { byName[job.name, default: []].append(results.get(index)) }
        func combine(_ name: String) -> PlannerResult {
            let runs = byName[name] ?? []
            return PlannerResult(
                planner: name, mean: Self.mean(runs.map(\.metrics)), seeds: runs.map(\.metrics),
                ttmSample: runs.first?.ttm ?? [], queueTrace: runs.first?.trace ?? [])
        }
        var oracle: [String: PlannerResult] = [:]
        for o in Oracle.allCases {
            for reruns in [false, true] { oracle[o.key(reruns: reruns)] = combine(o.key(reruns: reruns)) }
        }
        let reference = oracle[Oracle.o1.key(reruns: true)]?.mean
        func relate(_ result: PlannerResult) -> PlannerResult {
            var result = result
            if let reference, reference.ttmP50 > 0, reference.ttmP95 > 0 {
                result.mean.p50VsO1 = result.mean.ttmP50 / reference.ttmP50
                result.mean.p95VsO1 = result.mean.ttmP95 / reference.ttmP95
            }
            return result
        }
        oracle = oracle.mapValues(relate)
        let results_ = planners.filter { byName[$0] != nil }.map { relate(combine($0)) }
        return ScenarioResult(
            id: scenario.id, name: scenario.name, workload: workload.summary, hours: scenario.hours,
            seedCount: seeds, oracle: oracle, results: results_, swept: scenario.swept)
    }

    /// The mean of each figure over seeds; counts (merged, rejected, false rejections, escaped)
    /// are summed over the seeds, the maximum queue is the largest, and a result is stable only
    /// if every seed was.
    static func mean(_ runs: [Metrics]) -> Metrics {
        var m = Metrics()
        guard !runs.isEmpty else { return m }
        let n = Double(runs.count)
        func avg(_ key: (Metrics) -> Double) -> Double { runs.map(key).reduce(0, +) / n }
        m.stable = runs.allSatisfy(\.stable)
        m.merged = runs.map(\.merged).reduce(0, +)
        m.rejected = runs.map(\.rejected).reduce(0, +)
        m.falseRejections = runs.map(\.falseRejections).reduce(0, +)
        m.escapedBad = runs.map(\.escapedBad).reduce(0, +)
        m.maxQueue = runs.map(\.maxQueue).max() ?? 0
        m.mergedPerHour = avg(\.mergedPerHour)
        m.ttmMean = avg(\.ttmMean)
        m.ttmP50 = avg(\.ttmP50)
        m.ttmP95 = avg(\.ttmP95)
        m.ttmP99 = avg(\.ttmP99)
        m.ttmMax = runs.map(\.ttmMax).max() ?? 0
        m.rejectMean = avg(\.rejectMean)
        m.rejectP50 = avg(\.rejectP50)
        m.ciMinutesPerMerge = avg(\.ciMinutesPerMerge)
        m.runsPerMerge = avg(\.runsPerMerge)
        m.wastedFraction = avg(\.wastedFraction)
        m.meanQueue = avg(\.meanQueue)
        m.drainMinutes = avg(\.drainMinutes)
        let told = runs.filter { $0.etaErrorP50 != nil }
        if !told.isEmpty {
            let k = Double(told.count)
            m.etaErrorP50 = told.compactMap(\.etaErrorP50).reduce(0, +) / k
            m.etaErrorP90 = told.compactMap(\.etaErrorP90).reduce(0, +) / k
            m.etaBiasP50 = told.compactMap(\.etaBiasP50).reduce(0, +) / k
            m.etaPredictions = told.compactMap(\.etaPredictions).reduce(0, +)
        }
        let good = m.merged - m.escapedBad + m.falseRejections
        m.falseRejectionRate = good > 0 ? Double(m.falseRejections) / Double(good) : 0
        return m
    }
}

/// One seed's figures and plot data.
struct SeedResult: Sendable {
    var metrics: Metrics
    var ttm: [Double]
    var trace: [QueuePoint]
}

/// Results written by concurrent runs, each to its own slot.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [SeedResult?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: SeedResult) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    func get(_ index: Int) -> SeedResult {
        lock.lock()
        defer { lock.unlock() }
        return slots[index]!
    }
}

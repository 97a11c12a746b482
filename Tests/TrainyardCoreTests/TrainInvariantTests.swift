import Foundation
import Testing
@testable import TrainyardCore

/// Seeded randomized sequences of events, including stale, duplicated, reordered and lost
/// deliveries, target moves and head updates, checked against the safety invariants after every
/// step and for liveness at the end.
///
/// `TRAINYARD_FUZZ_SEQUENCES` raises the number of sequences (10,000 by default);
/// `TRAINYARD_FUZZ_SEED` replays one seed, and `TRAINYARD_FUZZ_TRACE` with it prints the events
/// and the cars after every step.
struct TrainInvariantTests {
    static let environment = ProcessInfo.processInfo.environment

    static var seeds: [UInt64] {
        if let seed = environment["TRAINYARD_FUZZ_SEED"].flatMap(UInt64.init) { return [seed] }
        let count = environment["TRAINYARD_FUZZ_SEQUENCES"].flatMap(Int.init) ?? 10_000
        return (0..<UInt64(max(count, 1))).map { $0 &* 0x9E37_79B9 &+ 17 }
    }

    @Test func randomSequencesKeepTheSafetyInvariantsAndEndLanded() {
        var failures: [String] = []
        for seed in Self.seeds {
            if let failure = Self.run(seed: seed) {
                failures.append(
                    "seed \(seed): \(failure)\n  replay: TRAINYARD_FUZZ_SEED=\(seed) swift test "
                        + "--filter TrainInvariantTests")
                if failures.count >= 5 { break }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// The check that skipping the settled pass changes nothing is only worth something if the
    /// sequences reach settled trains: most steps along the way must skip.
    @Test func theSettledPassIsSkippedInMostStepsAlongTheWay() {
        var steps = 0
        var skipped = 0
        for seed in Self.seeds.prefix(500) {
            var world = TrainWorld(seed: 0, window: 1)
            _ = Self.run(seed: seed, world: &world)
            steps += world.stepsAlongTheWay
            skipped += world.settledStepsSkipped
        }
        #expect(steps > 1_000)
        #expect(skipped * 2 > steps, "\(skipped) of \(steps) steps along the way skipped the settled pass")
    }

    /// Runs one sequence; returns a description of the first violation, or nil.
    static func run(seed: UInt64, steps: Int = 80) -> String? {
        var world = TrainWorld(seed: 0, window: 1)
        return run(seed: seed, steps: steps, world: &world)
    }

    /// Runs one sequence in `world`; returns a description of the first violation, or nil.
    static func run(seed: UInt64, steps: Int = 80, world: inout TrainWorld) -> String? {
        var rng = SplitMix64(seed: seed)
        world = TrainWorld(seed: seed ^ 0xABCD, window: Int.random(in: 1...5, using: &rng))
        world.train.settings.planner = PlannerKind.allCases.randomElement(using: &rng)!
        world.train.settings.flakeRetries = Int.random(in: 0...1, using: &rng)
        world.flakeRate = [0.0, 0.05, 0.2].randomElement(using: &rng)!
        world.train.settings.plannerSettings = randomPlannerSettings(&rng)
        if Bool.random(using: &rng) { world.train.stats = randomStats(&rng) }
        let changeCount = Int.random(in: 1...10, using: &rng)
        for number in 1...changeCount {
            let head = world.newCommit()
            world.heads[number] = head
            if Double.random(in: 0..<1, using: &rng) < 0.2 { world.badHeads.insert(head) }
            if Double.random(in: 0..<1, using: &rng) < 0.05 { world.conflicting.insert(number) }
        }
        for _ in 0..<steps {
            let inFlight = world.train.cars.count(where: \.isInFlight) + world.train.probesInFlight
            let before = world.delivered.count
            chaosStep(&world, &rng, changeCount: changeCount)
            if environment["TRAINYARD_FUZZ_TRACE"] != nil {
                for event in world.delivered[before...] { print("event:", event) }
                print(
                    "cars:",
                    world.train.cars.map { "\($0.id.value) \($0.changes.map(\.number)) \($0.status.rawValue)" },
                    "probes:",
                    (world.train.probes ?? []).map { "\($0.id.value) !\($0.newest.number) \($0.status.rawValue)" })
            }
            if let violation = check(world) { return violation }
            let now = world.train.cars.count(where: \.isInFlight) + world.train.probesInFlight
            if let allowance = world.train.ciAllowance, now > inFlight, now > allowance {
                return "\(now) cars in flight after a step that started cars, over the CI allowance of \(allowance)"
            }
        }
        settle(&world)
        if environment["TRAINYARD_FUZZ_SEED"] != nil {
            for event in world.delivered { print("event:", event) }
        }
        if let violation = check(world) { return violation }
        if !world.train.queue.isEmpty || !world.train.cars.isEmpty || world.train.probes != nil {
            return
                "not live: queue \(world.train.queue.map(\.number)), cars \(world.train.cars.map { ($0.id.value, $0.changes.map(\.number), $0.status.rawValue) }) \(world.train.settings.planner) window \(world.train.settings.maxParallel) paused \(world.train.pause != nil) fetching \(world.train.fetchingTarget) head \(String(describing: world.train.targetHead?.short)) bases \(world.train.cars.map(\.base.short)), "
                + "pending \(world.pending.count)"
        }
        for number in world.queuedHeads.keys where world.landed[number] == nil {
            if world.finalStatus[number] == nil || world.finalStatus[number] == .success {
                return "!\(number) was neither landed nor removed with a reason"
            }
        }
        return nil
    }

    static func chaosStep(_ world: inout TrainWorld, _ rng: inout SplitMix64, changeCount: Int) {
        let roll = Int.random(in: 0..<100, using: &rng)
        switch roll {
        case 0..<12:
            let number = Int.random(in: 1...changeCount, using: &rng)
            guard world.landed[number] == nil, let head = world.heads[number] else { return }
            world.queuedHeads[number, default: []].insert(head)
            world.finalStatus[number] = nil
            let change = Change(
                number: number, head: head, enqueuedAt: Instant(seconds: Int64(number)),
                priority: Int.random(in: 0...2, using: &rng), skipLine: Double.random(in: 0..<1, using: &rng) < 0.05,
                interruptsCars: [nil, false].randomElement(using: &rng)!)
            world.deliver(.changeEnqueued(change))
        case 12..<15:
            world.deliver(.changeDequeued(number: Int.random(in: 1...changeCount, using: &rng), by: "@bob"))
        case 15..<18:
            let number = Int.random(in: 1...changeCount, using: &rng)
            guard world.landed[number] == nil else { return }
            let head = world.newCommit()
            world.heads[number] = head
            if Double.random(in: 0..<1, using: &rng) < 0.2 { world.badHeads.insert(head) }
            world.deliver(.changeUpdated(number: number, head: head))
        case 18..<21:
            let commit = world.newCommit()
            world.parents[commit] = (world.target, nil)
            world.target = commit
            world.pending.append(.targetPushed(head: commit))
        case 21..<60:
            guard !world.pending.isEmpty else { return }
            let index = Int.random(in: 0..<world.pending.count, using: &rng)
            let event = world.pending[index]
            let duplicate = Double.random(in: 0..<1, using: &rng) < 0.1 && event != .targetMoved(head: TrainWorld.fetch)
            if !duplicate { world.pending.remove(at: index) }
            if case .pipelineUpdated(_, _, _, let state) = event, state == .running || state == .pending,
                Double.random(in: 0..<1, using: &rng) < 0.3
            {
                return
            }
            let before = world.train
            if event.onlyMovesACarAlong {
                world.stepsAlongTheWay += 1
                if before.planIsSettled { world.settledStepsSkipped += 1 }
                // Skipping the pass over the cars after a step along the way changes nothing.
                let skipped = before.applyCopy(event, skippingSettledPass: true)
                let full = before.applyCopy(event, skippingSettledPass: false)
                if skipped.0 != full.0 || skipped.1 != full.1 {
                    world.violations.append(
                        "skipping the settled pass after \(event) differs from the full pass\n\(skipped)\n\(full)")
                }
            }
            world.deliver(event)
            if Double.random(in: 0..<1, using: &rng) < 0.1, event != .targetMoved(head: TrainWorld.fetch) {
                let once = world.train
                world.deliver(event)
                if world.train != once, before != once {
                    world.violations.append(
                        "applying \(event) twice changed the train more than once\n\(before)\n\(once)\n\(world.train)")
                }
            }
        case 60..<85:
            let running = world.pipelines.filter { !$0.value.finished }.keys.sorted { $0.value < $1.value }
            guard let id = running.randomElement(using: &rng) else { return }
            if Double.random(in: 0..<1, using: &rng) < 0.3, let pipeline = world.pipelines[id] {
                world.pending.append(
                    .pipelineUpdated(car: pipeline.car, pipeline: id, commit: pipeline.commit, state: .running))
            }
            world.finishPipeline(id, flakes: true)
        case 85..<87:
            if let stale = world.delivered.randomElement(using: &rng) { world.deliver(stale) }
        case 87..<88:
            world.now = world.now.adding(milliseconds: Int64.random(in: 1_000...300_000, using: &rng))
            world.deliver(.tick(now: world.now))
        case 88..<89:
            // The share of a global CI budget changes as other trains come and go.
            let other = TrainID(forge: "gitlab", project: "group/other", target: "main")
            let demand = CIBudget.Demand(
                inFlight: Int.random(in: 0...2, using: &rng), wants: Int.random(in: 0...4, using: &rng),
                waitingSince: Int64.random(in: 0...2_000_000_000_000, using: &rng))
            world.train.sharedBudget =
                Bool.random(using: &rng)
                ? nil
                : SharedBudget(
                    limit: Int.random(in: 1...world.train.settings.maxParallel, using: &rng),
                    others: Bool.random(using: &rng) ? [other: demand] : [:])
        case 89..<90:
            if world.train.pause == nil, Double.random(in: 0..<1, using: &rng) < 0.7 {
                world.deliver(.trainPaused(reason: "fuzz", by: "@fuzz"))
            } else {
                world.deliver(.trainResumed(by: "@fuzz"))
            }
        default:
            let running = world.pipelines.filter { !$0.value.finished }.keys.sorted { $0.value < $1.value }
            guard let id = running.randomElement(using: &rng), let pipeline = world.pipelines[id] else { return }
            world.pipelines[id]?.finished = true
            world.outcomes[id] = .canceled
            world.pending.append(
                .pipelineUpdated(car: pipeline.car, pipeline: id, commit: pipeline.commit, state: .canceled))
        }
    }

    /// Stops the chaos: delivers everything in order and lets CI finish without flakes until
    /// nothing is left to do; a train waiting for a wake-up gets its tick.
    static func settle(_ world: inout TrainWorld) {
        world.deliver(.trainResumed(by: "@fuzz"))
        // The other trains sharing a CI budget finish their cars and leave it to this one; the
        // engine's regular tick lets the train use it.
        world.train.sharedBudget?.others = [:]
        world.deliver(.tick(now: world.now))
        for _ in 0..<2_000 {
            if !world.pending.isEmpty {
                world.deliver(world.pending.removeFirst())
                continue
            }
            let running = world.pipelines.filter { !$0.value.finished }.keys.sorted { $0.value < $1.value }
            guard let id = running.first else {
                guard let wake = world.train.wakeAt else { return }
                world.now = max(world.now, wake)
                world.deliver(.tick(now: world.now))
                continue
            }
            world.finishPipeline(id, flakes: false)
        }
    }

    /// Planner settings, each left at its default or set to a random value in its range.
    static func randomPlannerSettings(_ rng: inout SplitMix64) -> PlannerSettings {
        func maybe<T>(_ value: T) -> T? { Bool.random(using: &rng) ? value : nil }
        let window = Int.random(in: 1...6, using: &rng)
        return PlannerSettings(
            batchSize: maybe(Int.random(in: 1...6, using: &rng)),
            pendingFailureDepth: maybe(Int.random(in: 1...3, using: &rng)),
            optimisticLanding: maybe(Bool.random(using: &rng)),
            window: maybe(window), windowFloor: maybe(Int.random(in: 1...window, using: &rng)),
            batchDelay: maybe(Int64.random(in: 0...60_000, using: &rng)),
            bisectionConcurrency: maybe(Int.random(in: 0...3, using: &rng)),
            replicas: maybe(Int.random(in: 1...PlannerStats.replicaLimit, using: &rng)),
            probes: maybe(Bool.random(using: &rng)))
    }

    /// What a train might have learnt, from reliable to very flaky CI (so `adaptive` runs replicas).
    static func randomStats(_ rng: inout SplitMix64) -> PlannerStats {
        var stats = PlannerStats()
        stats.landed = Int.random(in: 0...400, using: &rng)
        stats.blamed = Int.random(in: 0...20, using: &rng)
        stats.retried = Int.random(in: 0...20, using: &rng)
        stats.retriedPassed = Int.random(in: 0...stats.retried, using: &rng)
        stats.passedRuns = Int.random(in: 0...300, using: &rng)
        // Half the time close to a flake rate of 1 in 10, where the number of copies changes.
        stats.provenFlakes =
            Bool.random(using: &rng)
            ? Int.random(in: 0...300, using: &rng) : stats.passedRuns / 9 + Int.random(in: -3...3, using: &rng)
        stats.provenFlakes = max(0, stats.provenFlakes)
        // A quarter of the time, failures are common: `adaptive` speculates change by change and probes.
        if Int.random(in: 0..<4, using: &rng) == 0 {
            stats.landed = Int.random(in: 0...60, using: &rng)
            stats.blamed = Int.random(in: 3...20, using: &rng)
        }
        // Half the time a learnt arrival rate of 20 to 120 changes an hour on 30-minute pipelines:
        // far more than a window of 1 to 5 carries, so `adaptive` tests in capacity groups.
        if Bool.random(using: &rng) {
            let gap = Int64.random(in: 30...180, using: &rng) * 1_000
            for index in 0..<Int64.random(in: 10...40, using: &rng) { stats.noteArrival(at: index * gap) }
            stats.timedPipelines = Int.random(in: 5...20, using: &rng)
            stats.pipelineMillis = Int64(stats.timedPipelines) * 1_800_000
        }
        return stats
    }

    /// The sequences start often enough from a train short of runners, with failures rare enough
    /// to batch and CI reliable enough for one copy per car, that the capacity groups and their
    /// splitting are covered: about 1 start in 22 of those with learnt stats (half of them), so
    /// some 230 of the 10,000 sequences. Likewise for verifying first (failures common, runners
    /// short).
    @Test func capacityGroupsAndVerifyingFirstAreCovered() {
        var grouped = 0
        var verifying = 0
        for seed in Self.seeds.prefix(2_000) {
            var rng = SplitMix64(seed: seed)
            var train = Train(
                id: Fixture.train,
                settings: TrainSettings(maxParallel: Int.random(in: 1...5, using: &rng), planner: .adaptive))
            train.stats = Self.randomStats(&rng)
            if AdaptivePlanner.sizing(for: train).splitting != nil { grouped += 1 }
            let stats = train.stats ?? PlannerStats()
            if AdaptivePlanner.verifiesFirst(train, unit: AdaptivePlanner.batchSize(for: train), stats: stats) {
                verifying += 1
            }
        }
        #expect(verifying >= 40, "\(verifying) of 2,000 random trains verify first")
        #expect(grouped >= 40, "\(grouped) of 2,000 random trains test in capacity groups")
    }

    static func check(_ world: TrainWorld) -> String? {
        if let violation = world.violations.first { return violation }
        if let broken = PlannerScaleTests.linksHold(world.train) { return broken }
        let numbers = world.train.queue.map(\.number)
        if Set(numbers).count != numbers.count { return "a change is queued twice: \(numbers)" }
        for probe in world.train.probes ?? [] where probe.isInFlight {
            guard
                world.train.queue.contains(where: { $0.number == probe.newest.number && $0.head == probe.newest.head })
            else { return "probe \(probe.id) tests !\(probe.newest.number), which is not queued with that head" }
        }
        var previous = 0
        let position = Dictionary(uniqueKeysWithValues: numbers.enumerated().map { ($1, $0) })
        for car in world.train.cars {
            let length = car.changes.count
            let held = car.changes.map(\.number)
            if world.train.planner.usesSubsets {
                let places = held.map { position[$0] ?? -1 }
                if places.contains(-1) || places != places.sorted() || Set(places).count != places.count {
                    return "car \(car.id) holds \(held), not an ordered subset of the queue \(numbers)"
                }
            } else if held != Array(numbers.prefix(length)) {
                return "car \(car.id) holds \(held), not the prefix \(Array(numbers.prefix(length)))"
            }
            if length < previous { return "cars are not in order of length: \(world.train.cars.map(\.changes.count))" }
            if !world.train.planner.usesSubsets, length == previous {
                return "two prefix cars of one length: \(world.train.cars.map(\.changes.count))"
            }
            previous = length
        }
        // Reparenting planners and `bors` keep passed and failed cars as facts; only cars in flight use CI.
        let counted =
            world.train.planner.usesSubsets || world.train.settings.planner == .bors
            ? world.train.cars.filter(\.isInFlight) : world.train.cars
        if counted.count + world.train.probesInFlight > world.train.settings.maxParallel
            + world.train.bisectionConcurrency
        {
            return "more cars than the window: \(world.train.settings.planner) \(world.train.settings.plannerSettings) "
                + "\(world.train.cars.map { ($0.changes.map(\.number), $0.status.rawValue) })"
        }
        return nil
    }
}

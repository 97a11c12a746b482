import TrainyardCore

/// Drives one production ``Train`` (with its planner) through a synthetic workload on a virtual
/// clock: it answers the train's actions the way git, the forge and a CI with `capacity` runners
/// would, and records what happened to every change in a ``Ledger``.
///
/// Nothing here decides anything for the train: cars, landings and blame come from
/// `Train.apply`, exactly as in the service.
struct TrainSimulation {
    private enum Pending {
        case arrival(Int)
        case deliver(TrainEvent)
        case finish(Int)
    }

    /// One pipeline: queued for a runner, running, or done.
    private struct Run {
        var car: CarID
        var commit: SHA
        var fails: Bool
        var start: Int64?
        var duration: Int64 = 0
        var done = false
    }

    let workload: Workload
    let arrivalEnd: Int64
    /// The run stops (unstable) when this many changes wait.
    let queueBound: Int
    private(set) var train: Train
    private(set) var ledger: Ledger
    private var events = EventQueue<Pending>()
    private var runs: [Run] = []
    private var waiting: [Int] = []
    private var waitingHead = 0
    private var busy = 0
    private var clock: Int64 = 0
    /// The last wake-up the train asked for that is scheduled as a tick.
    private var scheduledWake: Instant?
    private var main: SHA
    private var commits = 0
    /// Whether a commit's tree fails deterministically (a bad change, or a conflicting pair).
    private var commitFails: [SHA: Bool] = [:]
    private var flakes: SimulationRandom
    private var durations: SimulationRandom

    init(workload: Workload, hours: Double, changes: [SimulatedChange], settings: TrainSettings, seed: UInt64) {
        self.workload = workload
        arrivalEnd = Int64(hours * 3_600_000)
        var pipeline = settings
        pipeline.pipelineTimeout = Int64.max / 4
        train = Train(id: TrainID(forge: "sim", project: "workload", target: "main"), settings: pipeline)
        ledger = Ledger(changes: changes)
        let inFlight = workload.arrivalsPerHour * workload.pipelineMinutes / 60
        queueBound = max(300, Int(8 * inFlight) + 100, workload.initialBurst + 100)
        main = Self.sha(prefix: "b", 0)
        flakes = SimulationRandom.stream(seed, 2)
        durations = SimulationRandom.stream(seed, 3)
    }

    /// Runs until every change is resolved, the queue passes its bound, or the drain time is up.
    mutating func run() -> Ledger {
        if !ledger.changes.isEmpty { events.schedule(.arrival(0), at: ledger.changes[0].arrival) }
        // Time to drain what is left: a day, fifty pipelines, or one pipeline per burst change.
        let pipeline = workload.pipelineMinutes * 60_000
        let drain = Int64(max(24 * 3_600_000, pipeline * 50, pipeline * Double(workload.initialBurst)))
        let hardEnd = arrivalEnd + drain
        while let (time, item) = events.pop() {
            if time > hardEnd { break }
            clock = time
            switch item {
            case .arrival(let index):
                arrive(index)
            case .deliver(let event):
                deliver(event)
            case .finish(let index):
                finish(index)
            }
            if train.queue.count > queueBound {
                ledger.stoppedEarly = true
                break
            }
        }
        ledger.end = ledger.stoppedEarly ? clock : max(clock, arrivalEnd)
        return ledger
    }

    private mutating func arrive(_ index: Int) {
        let change = ledger.changes[index]
        if index + 1 < ledger.changes.count {
            events.schedule(.arrival(index + 1), at: ledger.changes[index + 1].arrival)
        }
        let queued = Change(
            number: change.number, head: Self.sha(prefix: "a", change.number),
            enqueuedAt: Instant(milliseconds: change.arrival))
        apply(.changeEnqueued(queued))
        ledger.predicted[index] = train.eta(of: change.number)
    }

    private mutating func deliver(_ event: TrainEvent) {
        if case .pipelineUpdated(let car, let pipeline, _, _) = event {
            let used = (train.cars + (train.probes ?? [])).contains {
                $0.id == car && $0.pipeline == pipeline && $0.status == .testing
            }
            if !used { ledger.wastedMillis += runs[pipeline.value - 1].duration }
        }
        apply(event)
    }

    /// Receives a line per event and action when set (for debugging a planner).
    var trace: ((String) -> Void)?

    private mutating func apply(_ event: TrainEvent) {
        // The service's engine tells every train with work the time on its ticks; here the train
        // knows it at every event.
        if train.now.map({ $0.milliseconds < clock }) ?? true { train.now = Instant(milliseconds: clock) }
        let actions = train.apply(event)
        if let trace {
            trace(
                "\(clock / 60_000)m \(Self.describe(event)) → queue \(train.queue.map(\.number)) cars "
                    + train.cars.map { "\($0.id):\($0.changes.map(\.number)):\($0.status.rawValue)" }.joined(
                        separator: " "))
            for action in actions {
                if case .cancelPipeline(let car, _) = action { trace("   cancel car \(car)") }
            }
        }
        for action in actions { perform(action) }
        if let wake = train.wakeAt, wake != scheduledWake {
            scheduledWake = wake
            let at = max(wake.milliseconds, clock)
            events.schedule(.deliver(.tick(now: Instant(milliseconds: at))), at: at)
        }
    }

    static func describe(_ event: TrainEvent) -> String {
        switch event {
        case .changeEnqueued(let change): return "enqueued !\(change.number)"
        case .pipelineUpdated(let car, _, _, let state): return "car \(car) \(state.rawValue)"
        case .carLanded(let car, _): return "car \(car) landed"
        default: return String(describing: event).prefix(40).description
        }
    }

    private mutating func perform(_ action: TrainAction) {
        switch action {
        case .fetchTarget:
            events.schedule(.deliver(.targetMoved(head: main)), at: clock)
        case .buildCar(let car, _, _, let changes):
            commits += 1
            let commit = Self.sha(prefix: "b", commits)
            commitFails[commit] = fails(changes.map(\.number))
            events.schedule(.deliver(.carBuilt(car: car, commit: commit)), at: clock)
        case .startPipeline(let car, _, let commit):
            runs.append(Run(car: car, commit: commit, fails: commitFails[commit] ?? false))
            let pipeline = PipelineID(runs.count)
            events.schedule(.deliver(.pipelineCreated(car: car, pipeline: pipeline, commit: commit)), at: clock)
            waiting.append(runs.count - 1)
            dispatch()
        case .cancelPipeline(_, let pipeline):
            cancel(pipeline.value - 1)
        case .land(let car, let commit, let expected):
            if main == expected {
                main = commit
                events.schedule(.deliver(.carLanded(car: car, commit: commit)), at: clock)
            } else {
                events.schedule(.deliver(.landingRejected(car: car, message: "the target moved")), at: clock)
            }
        case .setStatus(let change, _, let state, _):
            switch state {
            case .success: ledger.resolve(change, landed: true, at: clock)
            case .failed, .canceled: ledger.resolve(change, landed: false, at: clock)
            case .pending, .running: break
            }
        case .refreshPipeline, .deleteRef, .comment, .chatReply:
            break
        }
    }

    /// Whether a tree of the landed changes plus `numbers` fails on its merits.
    private func fails(_ numbers: [Int]) -> Bool {
        for number in numbers {
            let change = ledger.changes[number - 1]
            if change.bad { return true }
            if let partner = change.partner, ledger.landed[partner - 1] || numbers.contains(partner) { return true }
        }
        return false
    }

    /// Starts queued pipelines while runners are free.
    private mutating func dispatch() {
        while busy < workload.capacity, waitingHead < waiting.count {
            let index = waiting[waitingHead]
            waitingHead += 1
            guard !runs[index].done else { continue }
            let minutes = durations.logNormal(mean: workload.pipelineMinutes, cv: workload.durationCV)
            runs[index].start = clock
            runs[index].duration = max(1, Int64(minutes * 60_000))
            busy += 1
            ledger.runsStarted += 1
            events.schedule(.finish(index), at: clock + runs[index].duration)
        }
        if waitingHead > 4096, waitingHead * 2 > waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
    }

    private mutating func cancel(_ index: Int) {
        guard runs.indices.contains(index), !runs[index].done else { return }
        runs[index].done = true
        guard let start = runs[index].start else { return }
        let spent = clock - start
        runs[index].duration = spent
        ledger.ciMillis += spent
        ledger.wastedMillis += spent
        busy -= 1
        dispatch()
    }

    private mutating func finish(_ index: Int) {
        guard !runs[index].done else { return }
        runs[index].done = true
        busy -= 1
        ledger.ciMillis += runs[index].duration
        let run = runs[index]
        let failed = run.fails || flakes.chance(workload.flakeProbability)
        let delay = Int64(workload.reactionSeconds * 1000)
        events.schedule(
            .deliver(
                .pipelineUpdated(
                    car: run.car, pipeline: PipelineID(index + 1), commit: run.commit,
                    state: failed ? .failed : .success)),
            at: clock + delay)
        dispatch()
    }

    /// A 40-hex object name: `prefix` then the number in hex, zero-padded.
    static func sha(prefix: Character, _ number: Int) -> SHA {
        let hex = String(number, radix: 16)
        return SHA(String(prefix) + String(repeating: "0", count: 39 - hex.count) + hex)
    }
}

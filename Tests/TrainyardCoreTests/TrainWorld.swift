import TrainyardCore

/// A deterministic random number generator (SplitMix64), so a seed replays a run exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A model of the forge, git and CI around one train, for the randomized tests. It executes the
/// train's actions the way the engine would, but keeps their results in a pool of pending events
/// that the test delivers in any order, duplicates, drops or replays. It checks the safety
/// invariants of the architecture page on every landing.
struct TrainWorld {
    var train: Train
    var rng: SplitMix64
    /// Where the target branch really points.
    var target: SHA
    /// Each commit's first parent and the change it merged (nil for a person's commit).
    var parents: [SHA: (parent: SHA, change: (number: Int, head: SHA)?)] = [:]
    var passed: Set<SHA> = []
    /// How each finished pipeline ended, for answering a poll.
    var outcomes: [PipelineID: PipelineState] = [:]
    /// The world's clock, for ticks.
    var now = Instant(seconds: 1_700_000_000)
    var pipelines: [PipelineID: (car: CarID, commit: SHA, finished: Bool)] = [:]
    var nextPipeline = 1
    var nextCommit = 0
    /// Merge commits by (parent, change, head), so that the same merge gives the same commit.
    var merges: [String: SHA] = [:]
    /// Each merge request's current head, and the head it was last queued with.
    var heads: [Int: SHA] = [:]
    var queuedHeads: [Int: Set<SHA>] = [:]
    /// Heads that break the build, and pairs of changes that conflict.
    var badHeads: Set<SHA> = []
    var conflicting: Set<Int> = []
    var flakeRate = 0.0
    var landed: [Int: SHA] = [:]
    /// The last final status posted per change (success, failed, canceled) after its last queueing.
    var finalStatus: [Int: CommitState] = [:]
    var pending: [TrainEvent] = []
    var delivered: [TrainEvent] = []
    var violations: [String] = []
    /// Events delivered that only move a car along its way, and how many of them found the train
    /// settled (so the pass over the cars was skipped).
    var stepsAlongTheWay = 0
    var settledStepsSkipped = 0

    init(seed: UInt64, window: Int) {
        rng = SplitMix64(seed: seed)
        train = Train(
            id: TrainID(forge: "gitlab", project: "group/app", target: "main"),
            settings: TrainSettings(maxParallel: window))
        target = TrainWorld.sha(0)
        nextCommit = 1
    }

    static func sha(_ number: Int) -> SHA {
        let hex = String(number, radix: 16)
        return SHA(String(repeating: "0", count: 40 - hex.count) + hex)
    }

    mutating func newCommit() -> SHA {
        defer { nextCommit += 1 }
        return Self.sha(nextCommit)
    }

    /// Stands for the answer of a `fetchTarget`, which reads the target when it is delivered:
    /// the engine applies an action's result in the same step as it executes the action.
    static let fetch = SHA("fetch")

    /// Applies an event to the train and executes the actions it returns.
    mutating func deliver(_ event: TrainEvent) {
        var event = event
        if event == .targetMoved(head: Self.fetch) {
            event = .targetMoved(head: target)
        } else {
            delivered.append(event)
        }
        execute(train.apply(event))
    }

    mutating func execute(_ actions: [TrainAction]) {
        for action in actions { execute(action) }
    }

    mutating func execute(_ action: TrainAction) {
        switch action {
        case .fetchTarget:
            pending.append(.targetMoved(head: TrainWorld.fetch))
        case .buildCar(let car, _, let base, let changes):
            if let bad = changes.first(where: { conflicting.contains($0.number) }) {
                pending.append(.carConflicted(car: car, change: bad.number, paths: ["file-\(bad.number)"]))
                return
            }
            var current = base
            for change in changes { current = merge(current, change) }
            pending.append(.carBuilt(car: car, commit: current))
        case .startPipeline(let car, _, let commit):
            let id = PipelineID(nextPipeline)
            nextPipeline += 1
            pipelines[id] = (car, commit, false)
            pending.append(.pipelineCreated(car: car, pipeline: id, commit: commit))
        case .cancelPipeline(_, let pipeline):
            if let known = pipelines[pipeline], !known.finished {
                pipelines[pipeline]?.finished = true
                outcomes[pipeline] = .canceled
                pending.append(
                    .pipelineUpdated(car: known.car, pipeline: pipeline, commit: known.commit, state: .canceled))
            }
        case .land(let car, let commit, let expected):
            land(car, commit, expected)
        case .refreshPipeline(let car, let pipeline):
            guard let known = pipelines[pipeline] else { return }
            let state = known.finished ? (outcomes[pipeline] ?? .canceled) : .running
            pending.append(.pipelineUpdated(car: car, pipeline: pipeline, commit: known.commit, state: state))
        case .deleteRef:
            break
        case .setStatus(let change, _, let state, _):
            if state == .success || state == .failed || state == .canceled { finalStatus[change] = state }
        case .comment, .chatReply:
            break
        }
    }

    /// The merge commit of `change` on `parent`; the same inputs give the same commit, as in git.
    mutating func merge(_ parent: SHA, _ change: Change) -> SHA {
        let key = "\(parent.value)|\(change.number)|\(change.head.value)"
        if let known = merges[key] { return known }
        let commit = newCommit()
        parents[commit] = (parent, (change.number, change.head))
        merges[key] = commit
        return commit
    }

    /// The changes merged between `ancestor` and `commit`, or nil when `ancestor` is not an ancestor.
    func merged(from ancestor: SHA, to commit: SHA) -> [(number: Int, head: SHA)]? {
        var result: [(number: Int, head: SHA)] = []
        var current = commit
        while current != ancestor {
            guard let entry = parents[current] else { return nil }
            if let change = entry.change { result.append(change) }
            current = entry.parent
        }
        return result.reversed()
    }

    mutating func land(_ car: CarID, _ commit: SHA, _ expected: SHA) {
        guard target == expected else {
            pending.append(.landingRejected(car: car, message: "target moved"))
            return
        }
        guard let changes = merged(from: expected, to: commit) else {
            violations.append("landing \(commit.short) is not a fast-forward of \(expected.short)")
            return
        }
        if !passed.contains(commit) { violations.append("landed \(commit.short) whose pipeline did not pass") }
        for change in changes {
            if landed[change.number] != nil { violations.append("!\(change.number) landed twice") }
            if badHeads.contains(change.head) { violations.append("bad change !\(change.number) landed") }
            if queuedHeads[change.number]?.contains(change.head) != true {
                violations.append("!\(change.number) landed with head \(change.head.short), not the queued head")
            }
            landed[change.number] = change.head
        }
        target = commit
        pending.append(.carLanded(car: car, commit: commit))
        pending.append(.targetPushed(head: commit))
        for change in changes { pending.append(.changeMerged(number: change.number)) }
    }

    /// Finishes a running pipeline the way CI would: red if a bad head is in the tree, else green
    /// (or red by flake).
    mutating func finishPipeline(_ id: PipelineID, flakes: Bool) {
        guard let pipeline = pipelines[id], !pipeline.finished else { return }
        pipelines[id]?.finished = true
        let tree = merged(from: TrainWorld.root(of: pipeline.commit, parents), to: pipeline.commit) ?? []
        let broken = tree.contains { badHeads.contains($0.head) }
        let flaked = flakes && Double.random(in: 0..<1, using: &rng) < flakeRate
        let state: PipelineState = broken || flaked ? .failed : .success
        if state == .success { passed.insert(pipeline.commit) }
        outcomes[id] = state
        pending.append(.pipelineUpdated(car: pipeline.car, pipeline: id, commit: pipeline.commit, state: state))
    }

    static func root(of commit: SHA, _ parents: [SHA: (parent: SHA, change: (number: Int, head: SHA)?)]) -> SHA {
        var current = commit
        while let entry = parents[current] { current = entry.parent }
        return current
    }
}

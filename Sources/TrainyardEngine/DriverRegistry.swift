import Synchronization

/// The doorbells of the running drivers, one per owner, and the stream of owners that need a
/// driver started. Safe to use from any task: intake rings a driver without waiting for it.
final class DriverRegistry: Sendable {
    private struct State {
        var bells: [String: Doorbell] = [:]
        var closed = false
    }
    private let state = Mutex(State())
    /// Owners rung for the first time: the engine starts a driver for each.
    let started: AsyncStream<(Owner, Doorbell)>
    private let continuation: AsyncStream<(Owner, Doorbell)>.Continuation

    init() {
        (started, continuation) = AsyncStream.makeStream()
    }

    /// Wakes `owner`'s driver, asking for one to be started if it has none yet.
    func ring(_ owner: Owner) {
        let (bell, isNew) = state.withLock { state -> (Doorbell?, Bool) in
            guard !state.closed else { return (nil, false) }
            if let bell = state.bells[owner.key] { return (bell, false) }
            let bell = Doorbell()
            state.bells[owner.key] = bell
            return (bell, true)
        }
        guard let bell else { return }
        bell.ring()
        if isNew { continuation.yield((owner, bell)) }
    }

    /// Forgets `owner`'s driver, which is ending: the next ring starts a new one.
    func retire(_ owner: Owner, bell: Doorbell) {
        state.withLock { state in
            if state.bells[owner.key] === bell { state.bells[owner.key] = nil }
        }
    }

    /// Whether `owner` has a driver in this process.
    func isDriving(_ owner: Owner) -> Bool { state.withLock { $0.bells[owner.key] != nil } }

    /// How many owners have a driver.
    var count: Int { state.withLock { $0.bells.count } }

    /// Starts no more drivers and wakes every one, so that each sees the engine stopping.
    func close() {
        let bells = state.withLock { state -> [Doorbell] in
            state.closed = true
            return Array(state.bells.values)
        }
        continuation.finish()
        for bell in bells { bell.ring() }
    }
}

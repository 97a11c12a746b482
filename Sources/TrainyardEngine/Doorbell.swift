import Synchronization

/// The wake-up signal of one driver: anyone may ring it, one task waits on it.
///
/// A ring that comes while nobody waits is kept, so the next wait returns at once: work stored
/// between a driver's last look and its wait is never slept through. Waiting never spins: it is
/// a continuation parked until a ring, a deadline or cancellation.
public final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    public init() {}

    /// Wakes the waiter, or the next one if nobody waits now.
    public func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when the bell rings, when `timeout` has passed (never, when `nil`), or when the
    /// task is cancelled. A ring since the last wait returns at once.
    public func wait(timeout: Duration?) async {
        let rung = state.withLock { state in
            defer { state.rung = false }
            return state.rung
        }
        if rung || Task.isCancelled { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForRing() }
            if let timeout { group.addTask { try? await Task.sleep(for: timeout) } }
            _ = await group.next()
            group.cancelAll()
        }
    }

    private func waitForRing() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.rung || Task.isCancelled {
                        state.rung = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }?.resume()
        }
    }
}

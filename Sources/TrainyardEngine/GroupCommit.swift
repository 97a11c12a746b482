import Synchronization

/// Group commit for intake: deliveries that arrive while a batch is being written wait for it,
/// then go into the store together, in one transaction (one fsync on SQLite). Nothing waits on
/// a timer: a lone delivery is written at once, so at low load an acknowledgement costs one
/// commit, and under load each commit carries everything that arrived during the one before.
///
/// A caller is answered only after the transaction holding its delivery has committed, so
/// nothing is acknowledged before it is durable. When a batch fails, its entries are written
/// again one by one: one entry the store refuses does not fail the others.
public final class GroupCommit: Sendable {
    struct Waiting {
        var entry: InboxEntry
        var continuation: CheckedContinuation<InboxInsert, any Error>
    }

    struct State {
        var waiting: [Waiting] = []
        /// Whether a writer task is draining `waiting`.
        var writing = false
    }

    /// Writes one batch in one transaction: ``EngineStore/insert(_:)``.
    let insert: @Sendable ([InboxEntry]) async throws -> [InboxInsert]
    /// The most entries one transaction carries; the rest wait for the next one.
    let maxBatch: Int
    private let state = Mutex(State())
    private let batches = Atomic<Int>(0)

    public convenience init(store: any EngineStore, maxBatch: Int = 256) {
        self.init(maxBatch: maxBatch) { try await store.insert($0) }
    }

    public init(maxBatch: Int = 256, insert: @escaping @Sendable ([InboxEntry]) async throws -> [InboxInsert]) {
        self.insert = insert
        self.maxBatch = max(1, maxBatch)
    }

    /// How many deliveries wait for the next batch (for tests).
    public var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// How many transactions intake has written (for tests and benchmarks).
    public var batchCount: Int { batches.load(ordering: .relaxed) }

    /// Stores `entry` with whatever else is waiting, and returns once that is durable.
    public func write(_ entry: InboxEntry) async throws -> InboxInsert {
        try await withCheckedThrowingContinuation { continuation in
            let lead = state.withLock { state -> Bool in
                state.waiting.append(Waiting(entry: entry, continuation: continuation))
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if lead { Task { await self.drain() } }
        }
    }

    /// Writes batches until nobody waits.
    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let taken = Array(state.waiting.prefix(maxBatch))
                state.waiting.removeFirst(taken.count)
                if taken.isEmpty { state.writing = false }
                return taken
            }
            guard !batch.isEmpty else { return }
            batches.add(1, ordering: .relaxed)
            do {
                let results = try await insert(batch.map(\.entry))
                guard results.count == batch.count else {
                    throw PermanentError("the store answered \(results.count) results for \(batch.count) deliveries")
                }
                for (waiting, result) in zip(batch, results) { waiting.continuation.resume(returning: result) }
            } catch {
                guard batch.count > 1 else {
                    batch[0].continuation.resume(throwing: error)
                    continue
                }
                for waiting in batch {
                    do {
                        let results = try await insert([waiting.entry])
                        guard let result = results.first else { throw PermanentError("the store answered no result") }
                        waiting.continuation.resume(returning: result)
                    } catch {
                        waiting.continuation.resume(throwing: error)
                    }
                }
            }
        }
    }
}

import TrainyardCore

/// The drivers: one task per owner, each working through its own rows and timers.
extension TrainEngine {
    /// Runs a driver for every owner with work, and for each new one as deliveries arrive, until
    /// ``stop()`` (each driver finishes the step in hand) or cancellation.
    public func run() async {
        logger.info("engine started", metadata: ["projects": "\(projects.count)"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.recoverUntilDone() }
            for await (owner, bell) in drivers.started {
                group.addTask { await self.drive(owner, bell: bell) }
            }
            await group.waitForAll()
        }
        logger.info("engine stopped")
    }

    /// Routes rows a release without routing stored, gives every train with changes its poll
    /// timer, and starts a driver for every owner with work. Retried until it succeeds.
    private func recoverUntilDone() async {
        var attempt = 0
        while !isStopping {
            do {
                try await routeUnrouted()
                let now = clock()
                let polls = try await store.trains().filter { !$0.queue.isEmpty }.map {
                    TimerChange(owner: .train($0.id), name: TrainTimer.poll, .ifAbsent(now))
                }
                try await store.setTimers(polls)
                for owner in try await store.activeOwners() { drivers.ring(owner) }
                return
            } catch {
                if isStopping { return }
                logger.error("engine start-up failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(Self.backoff(attempt: attempt)))
                attempt += 1
            }
        }
    }

    var isStopping: Bool { stopping.load(ordering: .relaxed) || Task.isCancelled }

    /// Works for `owner` until the engine stops: its due work first, then a sleep until it is
    /// rung or its next row or timer is due. An idle driver runs no query until something
    /// happens.
    func drive(_ owner: Owner, bell: Doorbell) async {
        var failures = 0
        var idle = false
        while !isStopping {
            do {
                if try await work(owner) {
                    failures = 0
                    idle = false
                    continue
                }
                let wake = try await store.nextWake(owner: owner)
                var timeout = wake.map { Duration.milliseconds(max(0, $0.milliseconds - clock().milliseconds)) }
                // Something due that no step would take would loop at once: wait a little instead.
                if idle, let wait = timeout, wait < .milliseconds(50) { timeout = .milliseconds(50) }
                idle = true
                await bell.wait(timeout: timeout)
            } catch {
                if isStopping { break }
                failures += 1
                logger.error("driver step failed", metadata: ["owner": "\(owner)", "error": "\(error)"])
                await bell.wait(timeout: .milliseconds(Self.backoff(attempt: failures - 1)))
            }
        }
    }

    /// One unit of `owner`'s work; `false` when none was due.
    func work(_ owner: Owner) async throws -> Bool {
        let now = clock()
        if let row = try await store.nextInbox(owner: owner, now: now) {
            try await handle(row, now: now)
            return true
        }
        if let row = try await store.nextOutbox(owner: owner, now: now) {
            try await execute(row)
            return true
        }
        let due = try await store.dueTimers(now: now, owner: owner)
        guard !due.isEmpty else { return false }
        try await fire(due, owner: owner, now: now)
        return true
    }

    /// Ticks a train whose timers are due; timers of anything else are dropped.
    func fire(_ due: [DueTimer], owner: Owner, now: Instant) async throws {
        guard case .train(let id) = owner, let project = projects[owner.project] else {
            return try await store.setTimers(due.map { TimerChange(owner: $0.owner, name: $0.name, .fired($0.due)) })
        }
        try await apply([.tick(now: now)], to: id, project: project, firing: due, finishing: nil)
    }

    /// Applies one inbox row; a failure is retried with backoff, then recorded as the outcome.
    func handle(_ row: InboxRow, now: Instant) async throws {
        do {
            try await process(row)
        } catch {
            if error is CancellationError || isStopping { throw error }
            if error is PermanentError || row.attempts + 1 >= maxAttempts * 2 {
                logger.error(
                    "delivery failed",
                    metadata: ["inbox": "\(row.id)", "kind": "\(row.delivery.kind)", "error": "\(error)"])
                try await store.finishInbox(row.id, outcome: "failed: \(error)", at: now)
            } else {
                let delay = Self.backoff(attempt: row.attempts)
                logger.warning(
                    "delivery will be retried",
                    metadata: ["inbox": "\(row.id)", "kind": "\(row.delivery.kind)", "error": "\(error)"])
                try await store.retryInbox(row.id, error: "\(error)", notBefore: now.adding(milliseconds: delay))
            }
        }
    }

    /// Routes rows stored without an owner (by a release that did not route at intake).
    func routeUnrouted() async throws {
        while true {
            let rows = try await store.unroutedInbox(limit: 500)
            if rows.isEmpty { return }
            for row in rows {
                switch route(row.delivery) {
                case .owner(let owner):
                    try await store.route(inbox: row.id, to: owner)
                    drivers.ring(owner)
                case .done(let outcome):
                    try await store.finishInbox(row.id, outcome: outcome, at: clock())
                }
            }
        }
    }
}

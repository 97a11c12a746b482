import TrainyardCore
import Tracing

/// The drivers: one task per owner, each working through its own rows and timers.
extension TrainEngine {
    /// Runs a driver for every owner with work, and for each new one as deliveries arrive, until
    /// ``stop()`` (each driver finishes the step in hand) or cancellation.
    public func run() async {
        logger.info("engine started", metadata: ["projects": "\(projects.count)"])
        started.store(true, ordering: .relaxed)
        defer { started.store(false, ordering: .relaxed) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.recoverUntilDone() }
            if retentionDays != nil { group.addTask { await self.pruneHourly() } }
            group.addTask { await self.maintainMirrorsDaily() }
            if let replica {
                group.addTask { await self.keepLeases(replica) }
                if let stored = store.storedOwners() {
                    group.addTask {
                        for await owner in stored {
                            if self.isStopping { break }
                            self.drivers.ring(owner)
                        }
                    }
                }
            }
            for await (owner, bell) in drivers.started {
                group.addTask { await self.drive(owner, bell: bell) }
            }
            group.cancelAll()
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
                try await store.setTimers(polls + reconcileAtStart(now: now))
                try await wakeSchedules()
                try await wakeReviewApps()
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

    nonisolated var isStopping: Bool { stopping.load(ordering: .relaxed) || Task.isCancelled }

    /// Works for `owner` until the engine stops or the owner has nothing left: its due work first,
    /// then a sleep until it is rung or its next row or timer is due. An idle driver runs no query
    /// until something happens. With replicas it works only under `owner`'s lease, and ends when
    /// another replica holds it or it was lost.
    func drive(_ owner: Owner, bell: Doorbell) async {
        var lease: Lease?
        var quietUntil: ContinuousClock.Instant?
        var failures = 0
        var idle = false
        while !isStopping {
            do {
                if let replica {
                    guard let held = try await holdLease(owner, lease, replica) else { break }
                    if held.epoch != lease?.epoch, let ago = held.takenOverAfter {
                        let quiet = Int64(replica.leaseSeconds) * 500 - ago
                        if quiet > 0 { quietUntil = .now.advanced(by: .milliseconds(quiet)) }
                    }
                    lease = held
                }
                let stillHeld = leaseCheck(lease, quietUntil: quietUntil)
                let worked = try await DriverLease.$current.withValue(lease) {
                    try await CreationGuard.$check.withValue(stillHeld) { try await work(owner) }
                }
                if worked {
                    failures = 0
                    idle = false
                    continue
                }
                guard let wake = try await store.nextWake(owner: owner) else {
                    // Nothing waits: the driver ends, and the next delivery starts another.
                    drivers.retire(owner, bell: bell)
                    if let lease { await release(lease) }
                    lease = nil
                    if try await store.nextWake(owner: owner) != nil { drivers.ring(owner) }
                    return
                }
                var timeout = Duration.milliseconds(max(0, wake.milliseconds - clock().milliseconds) / clockRate)
                // Something due that no step would take would loop at once: wait a little instead.
                if idle, timeout < .milliseconds(50) { timeout = .milliseconds(50) }
                if let replica { timeout = min(timeout, replica.beat) }
                idle = true
                await bell.wait(timeout: timeout)
            } catch let error as FencedError {
                logger.info(
                    "another replica drives this owner now", metadata: ["owner": "\(owner)", "error": "\(error)"])
                lease = nil
                break
            } catch {
                if isStopping { break }
                failures += 1
                logger.error("driver step failed", metadata: ["owner": "\(owner)", "error": "\(error)"])
                await bell.wait(timeout: .milliseconds(Self.backoff(attempt: failures - 1)))
            }
        }
        drivers.retire(owner, bell: bell)
        if let lease { await release(lease) }
    }

    /// Gives a lease back, also when the driver's task was cancelled (the engine stopping): a task
    /// of its own is not cancelled with it, so another replica can take the owner over at once
    /// instead of waiting for the lease to run out.
    private func release(_ lease: Lease) async {
        let store = store
        await Task { try? await store.releaseLease(lease) }.value
    }

    /// The check made before a forge call that creates something (``CreationGuard``): after a
    /// take-over, wait out `quietUntil`; then the lease must have been renewed within half its
    /// time, measured on the monotonic clock, which goes on while the process is stopped.
    private func leaseCheck(
        _ lease: Lease?, quietUntil: ContinuousClock.Instant?
    ) -> (@Sendable () async throws -> Void)? {
        guard let lease, let replica else { return nil }
        let renewals = renewals
        let margin = Duration.milliseconds(replica.leaseSeconds * 500)
        return {
            if let quietUntil, ContinuousClock.now < quietUntil { try await Task.sleep(until: quietUntil) }
            guard let renewed = renewals.lastRenewal(of: lease.owner), ContinuousClock.now - renewed < margin else {
                throw FencedError(lease: lease)
            }
        }
    }

    /// The lease to work under: the one held while it is surely live (renewed within most of its
    /// time), else taken or renewed again; `nil` when another replica holds it.
    private func holdLease(_ owner: Owner, _ held: Lease?, _ replica: ReplicaSettings) async throws -> Lease? {
        let margin = Duration.milliseconds(replica.leaseSeconds * 1000 * 2 / 3)
        if let held, let renewed = renewals.lastRenewal(of: owner), ContinuousClock.now - renewed < margin {
            return held
        }
        let sent = ContinuousClock.now
        let taken = try await store.acquireLease(owner, holder: replica.holder, seconds: replica.leaseSeconds)
        if taken != nil { renewals.renewed([owner], sent: sent, replacingAll: false) }
        if taken?.takenOverAfter != nil { metrics.leaseHandedOver() }
        if let held, let taken, taken.epoch != held.epoch {
            logger.info("lease taken again", metadata: ["owner": "\(owner)", "epoch": "\(taken.epoch)"])
        }
        return taken
    }

    /// Renews this replica's leases every third of their time, and starts a driver for every owner
    /// with work that no replica drives (one whose replica died, or that nobody has taken yet).
    private func keepLeases(_ replica: ReplicaSettings) async {
        while !isStopping {
            do {
                let sent = ContinuousClock.now
                let renewed = try await store.renewLeases(holder: replica.holder, seconds: replica.leaseSeconds)
                renewals.renewed(renewed, sent: sent, replacingAll: true)
                for owner in try await store.activeOwners() where !drivers.isDriving(owner) {
                    drivers.ring(owner)
                }
            } catch {
                if isStopping { return }
                logger.warning("renewing leases failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: replica.beat)
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
        // A trace of its own: what a timer decides (a poll's landing, a time-out) starts here.
        try await withSpan("timer \(Set(due.map(\.name)).sorted().joined(separator: ","))") { span in
            span.attributes["trainyard.owner"] = owner.key
            try await fire(due, owner: owner, now: now)
        }
        return true
    }

    /// Ticks a train whose timers are due; timers of anything else are dropped.
    func fire(_ due: [DueTimer], owner: Owner, now: Instant) async throws {
        if case .schedule(let name) = owner { return try await driveSchedule(name, firing: due) }
        if case .reviewApps(let project) = owner { return try await driveReviewApps(project, firing: due) }
        guard case .train(let id) = owner, let project = owner.project.flatMap({ projects[$0] }) else {
            return try await store.setTimers(due.map { TimerChange(owner: $0.owner, name: $0.name, .fired($0.due)) })
        }
        if let timer = due.first(where: { $0.name == TrainTimer.reconcile }) {
            try await reconcile(id, project: project, firing: timer)
            let rest = due.filter { $0.name != TrainTimer.reconcile }
            if rest.isEmpty { return }
            return try await apply([.tick(now: clock())], to: id, project: project, firing: rest, finishing: nil)
        }
        try await apply([.tick(now: now)], to: id, project: project, firing: due, finishing: nil)
    }

    /// Applies one inbox row; a failure is retried with backoff, then recorded as the outcome.
    /// Applies one stored delivery, its log lines marked with the delivery, train and merge request.
    func handle(_ row: InboxRow, now: Instant) async throws {
        try await LogContext.$current.withValue(LogContext(row)) {
            try await withSpan(
                "apply \(row.delivery.kind)", context: TraceParent.context(row.delivery.trace), ofKind: .consumer
            ) { span in
                span.attributes["trainyard.delivery"] = "\(row.delivery.source):\(row.delivery.key)"
                if let owner = row.owner { span.attributes["trainyard.owner"] = owner.key }
                try await handleInContext(row, now: now)
            }
        }
    }

    private func handleInContext(_ row: InboxRow, now: Instant) async throws {
        do {
            let started = ContinuousClock.now
            try await process(row)
            metrics.eventProcessed(seconds: (ContinuousClock.now - started).inSeconds)
        } catch {
            if error is CancellationError || error is FencedError || isStopping { throw error }
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

import TrainyardCore

/// The reconciler: every train, at start and then every ``TrainEngine/reconcileInterval``, is
/// compared with the forge, and what a lost webhook would have said is stored as a delivery.
///
/// A repair goes through the inbox like any webhook, so it is applied by the train's driver in
/// order, recorded, and deduplicated: a comment is keyed by its forge id
/// (``CommentSnapshot/deliveryKey(_:)``) whether its webhook or the reconciler brought it, and
/// the other repairs by what they say, so a pass that finds nothing new stores nothing.
extension TrainEngine {
    /// How far before the last pass comments are looked at again: clocks of the forge and of
    /// Trainyard may differ, and a comment may be written while a pass runs.
    static let reconcileOverlap: Int64 = 10 * 60_000

    /// The reconcile timer of every managed train that has none, due now: the pass at start. A
    /// train that has one keeps it, so that a replica starting (or a rolling restart) does not
    /// make every train pass again; after a downtime longer than the period it is due at once.
    /// A timer set for a longer period than the one configured now is brought in.
    func reconcileAtStart(now: Instant) -> [TimerChange] {
        guard let interval = reconcileInterval else { return [] }
        return projects.values.flatMap { project in
            project.targets.flatMap { target -> [TimerChange] in
                let owner = Owner.train(trainID(project, target))
                return [
                    TimerChange(owner: owner, name: TrainTimer.reconcile, .ifAbsent(now)),
                    TimerChange(
                        owner: owner, name: TrainTimer.reconcile, .earliest(now.adding(milliseconds: interval))),
                ]
            }
        }
    }

    /// One pass over train `id`: stores the deliveries that were missed, asks about every running
    /// pipeline, then records the pass in the train and sets the next one.
    func reconcile(_ id: TrainID, project: ProjectSettings, firing timer: DueTimer) async throws {
        let now = clock()
        let me = Owner.train(id)
        guard let interval = reconcileInterval else {
            return try await store.setTimers([TimerChange(owner: me, name: timer.name, .fired(timer.due))])
        }
        let train = try await store.train(id)
        var repaired: [String] = []
        if let forge = forges[id.forge] {
            do {
                for delivery in try await missedDeliveries(train, id: id, project: project, forge: forge) {
                    if case .stored = try await accept(delivery) { repaired.append(delivery.kind) }
                }
            } catch let error as ReconcileUnsupported {
                logger.warning(
                    "the reconciler cannot look at this forge", metadata: ["train": "\(id)", "error": "\(error)"])
            }
        }
        if !repaired.isEmpty {
            logger.notice(
                "the reconciler repaired missed webhooks",
                metadata: ["train": "\(id)", "count": "\(repaired.count)", "kinds": "\(Set(repaired).sorted())"])
        }
        // Every running pipeline is asked about now, not at the train's next regular poll: its
        // webhooks may have been lost too.
        let running = ((train?.cars ?? []) + (train?.probes ?? []) + (train?.trials ?? [])).compactMap { car in
            car.status == .testing ? car.pipeline.map { TrainAction.refreshPipeline(car: car.id, pipeline: $0) } : nil
        }
        try await apply(
            [], to: id, project: project, also: running, firing: [timer], finishing: nil,
            timers: [TimerChange(owner: me, name: TrainTimer.reconcile, .set(now.adding(milliseconds: interval)))],
            prepare: {
                $0.reconciledAt = now
                $0.reconcilingSince = $0.reconcilingSince ?? now
            })
    }

    /// What the forge says that the train and the inbox do not know yet: comments with commands
    /// written since the last pass, a queued change's new head, its closing or merging, and a
    /// target that moved.
    func missedDeliveries(
        _ train: Train?, id: TrainID, project: ProjectSettings, forge: any ForgePort
    ) async throws -> [Delivery] {
        let open = try await forge.openMergeRequests(project: project, target: id.target, since: nil)
        var deliveries: [Delivery] = []
        func deliver(_ key: String, _ kind: String, _ event: ForgeEvent) {
            deliveries.append(Delivery(source: id.forge, key: key, kind: kind, event: event))
        }
        if let last = train?.reconciledAt {
            let since = max(last.adding(milliseconds: -Self.reconcileOverlap), train?.reconcilingSince ?? last)
            for change in open where change.updatedAt >= since {
                for comment in try await forge.comments(project: project, number: change.number, since: since)
                where !CommandGrammar.comment(comment.body, mention: mention).isEmpty {
                    let event = CommentEvent(
                        project: project.key, number: change.number, author: comment.author, authorID: comment.authorID,
                        body: comment.body, target: id.target, commentID: comment.id)
                    deliver(CommentSnapshot.deliveryKey(comment.id), "reconciled comment", .comment(event))
                }
            }
        }
        let openByNumber = Dictionary(open.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
        for change in train?.queue ?? [] {
            let state: String
            let head: SHA
            if let snapshot = openByNumber[change.number] {
                (state, head) = ("opened", snapshot.head)
            } else {
                let info = try await forge.mergeRequest(project: project, number: change.number)
                // Moved to another target: it leaves this train as if closed.
                (state, head) = (info.target == id.target || info.state != "opened" ? info.state : "closed", info.head)
            }
            let action: MergeRequestEvent.Action
            switch state {
            case "merged": action = .merge
            case "closed", "locked": action = .close
            default:
                guard head != change.head else { continue }
                action = .update
            }
            let event = MergeRequestEvent(
                project: project.key, number: change.number, action: action, head: head, target: id.target, state: state
            )
            deliver(
                "reconcile:\(change.number):\(state):\(head.value)", "reconciled merge request", .mergeRequest(event))
        }
        if let train, !train.queue.isEmpty {
            let head = try await git.targetHead(project: project, target: id.target)
            if head != train.targetHead, !train.recentlyLanded.contains(where: { $0.commit == head }) {
                let event = PushEvent(project: project.key, branch: id.target, after: head)
                deliver("reconcile:push:\(id.target):\(head.value)", "reconciled push", .push(event))
            }
        }
        return deliveries
    }
}

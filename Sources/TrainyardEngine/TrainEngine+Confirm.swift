import TrainyardCore

/// Merge request webhooks checked against the forge before they take a change off its train.
extension TrainEngine {
    /// The train event a merge request webhook stands for, or nil when it stands for none.
    ///
    /// Webhooks arrive late, twice and out of order: an `update` with an older head, or a `close`
    /// from before a reopening, must not take a change queued since off its train. When the
    /// change is queued and the webhook would remove it, the forge is asked what is true now, and
    /// that is applied instead; for a change that is not queued the event changes nothing, so
    /// the forge is not asked.
    func confirmed(_ event: MergeRequestEvent, project: ProjectSettings) async throws -> TrainEvent? {
        switch event.action {
        case .open, .reopen, .approved, .other: return nil
        case .update, .close, .merge: break
        }
        let id = trainID(project, event.target)
        guard let queued = try await store.train(id)?.queue.first(where: { $0.number == event.number }) else {
            return event.action == .update ? .changeUpdated(number: event.number, head: event.head) : nil
        }
        if event.action == .update, event.head == queued.head { return nil }
        guard let forge = forges[project.key.forge] else { return Self.trainEvent(event) }
        let now = try await forge.mergeRequest(project: project, number: event.number)
        switch now.state {
        case "merged": return .changeMerged(number: event.number)
        case "closed", "locked": return .changeClosed(number: event.number)
        default:
            if now.target != event.target { return .changeClosed(number: event.number) }
            if now.head != queued.head { return .changeUpdated(number: event.number, head: now.head) }
            logger.info(
                "a merge request webhook was out of date; the forge shows the queued head still open",
                metadata: ["change": "\(event.number)", "action": "\(event.action)"])
            return nil
        }
    }

    /// The train event of a merge request webhook, taken as it is.
    static func trainEvent(_ event: MergeRequestEvent) -> TrainEvent? {
        switch event.action {
        case .update: return .changeUpdated(number: event.number, head: event.head)
        case .close: return .changeClosed(number: event.number)
        case .merge: return .changeMerged(number: event.number)
        case .open, .reopen, .approved, .other: return nil
        }
    }
}

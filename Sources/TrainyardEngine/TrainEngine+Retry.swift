import TrainyardCore

/// `retry` in the engine: a queued change's failed car is run again by the train; a change the
/// train removed because its car failed is queued again, with the head it has now.
extension TrainEngine {
    func retried(
        _ number: Int, info: MergeRequestInfo, train: TrainID, by: String, replies: inout [String]
    ) async throws -> TrainEvent? {
        if try await store.train(train)?.position(of: number) != nil {
            return .carRetried(number: number, by: by)
        }
        // What became of the change last: blamed (its car failed) is the only case to queue again.
        let recent = try await store.decisions(
            DecisionQuery(forge: train.forge, project: train.project, target: train.target, change: number, limit: 20))
        let fate = recent.first { record in
            record.decision.changes == [number]
                && [.blamed, .removed, .landed, .queued].contains(record.decision.kind)
        }
        guard fate?.decision.kind == .blamed else {
            replies.append(
                "!\(number) has no failed car to run again: `retry` runs the failed car of a change on the merge "
                    + "train, or queues again a change removed because its car failed.")
            return nil
        }
        guard info.state == "opened", !info.draft else {
            replies.append("!\(number) is \(info.draft ? "a draft" : info.state), so it cannot go on the merge train.")
            return nil
        }
        replies.append(
            "\(by) asked to retry !\(number): it was removed because its car failed, so it is queued again with its "
                + "head \(info.head.short).")
        return .changeEnqueued(
            Change(
                number: number, head: info.head, title: info.title, sourceBranch: info.sourceBranch, requestedBy: by,
                enqueuedAt: clock()))
    }
}

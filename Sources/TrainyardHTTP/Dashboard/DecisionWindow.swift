import TrainyardCore
import TrainyardEngine

/// The decisions of each train over the charts' span, kept between renders: each render reads,
/// per project, only the entries written since the last one (`after` the newest id seen), so a
/// page open on busy trains costs one small query per project, not two weeks of decisions.
actor DecisionWindow {
    let store: any EngineStore
    /// Per project, per target, oldest first.
    var kept: [ProjectKey: [String: [DecisionRecord]]] = [:]
    var newest: [ProjectKey: Int64] = [:]
    /// Entries read per query; a longer gap is read in pages.
    static let page = 5_000

    init(store: any EngineStore) { self.store = store }

    /// Reads what `project` decided since the last look, and forgets what is older than `since`.
    func refresh(_ project: ProjectKey, since: Instant) async throws {
        var fresh: [DecisionRecord] = []
        var before: Int64?
        while true {
            let page = try await store.decisions(
                DecisionQuery(
                    forge: project.forge, project: project.path, since: since, before: before, limit: Self.page,
                    after: newest[project]))
            fresh += page
            guard page.count == Self.page, let last = page.last?.id else { break }
            before = last
        }
        if let top = fresh.first?.id { newest[project] = max(newest[project] ?? 0, top) }
        var targets = kept[project] ?? [:]
        kept[project] = nil
        for record in fresh.reversed() { targets[record.target, default: []].append(record) }
        for target in Array(targets.keys) {
            let stale = targets[target]?.prefix { $0.at < since }.count ?? 0
            if stale > 0 { targets[target]?.removeFirst(stale) }
        }
        kept[project] = targets
    }

    /// The train's kept decisions, oldest first.
    func records(of id: TrainID) -> [DecisionRecord] {
        kept[ProjectKey(forge: id.forge, path: id.project)]?[id.target] ?? []
    }
}

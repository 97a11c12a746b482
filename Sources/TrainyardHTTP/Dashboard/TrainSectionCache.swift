import TrainyardCore

/// Each train's rendered HTML, kept while nothing it shows can have changed: the train's state,
/// its newest decision, and the minute (its ETAs and charts read the clock). A page open on many
/// trains renders only those that moved.
actor TrainSectionCache {
    struct Key: Hashable {
        var train: Train
        var newestDecision: Int64?
        var minute: Int64
    }

    var kept: [TrainID: (key: Key, html: String)] = [:]

    /// The kept HTML for `key`, or `render()`'s, kept for next time.
    func html(_ id: TrainID, key: Key, render: @Sendable () -> String) -> String {
        if let hit = kept[id], hit.key == key { return hit.html }
        let html = render()
        kept[id] = (key, html)
        return html
    }
}

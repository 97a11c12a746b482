import TrainyardCore

extension HTTPServices {
    /// Every schedule: the configuration's, and the API's from the store, by name. A configured
    /// schedule's stored state is shown with the configuration's definition; a stored schedule
    /// that came from a configuration which no longer has it is left out.
    func allSchedules() async throws -> [Schedule] {
        var byName: [String: Schedule] = [:]
        for definition in engine.configuredSchedules {
            byName[definition.name] = Schedule(definition: definition)
        }
        for stored in try await store.schedules() {
            var schedule = stored
            if let configured = byName[stored.name]?.definition { schedule.definition = configured }
            if stored.definition.origin == .config && byName[stored.name] == nil { continue }
            byName[stored.name] = schedule
        }
        return byName.values.sorted { $0.name < $1.name }
    }
}

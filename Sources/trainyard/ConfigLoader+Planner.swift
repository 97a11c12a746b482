import TrainyardCore

/// A project's `planner_settings:`, checked against the settings its planner reads.
extension ConfigLoader {
    /// Reads `planner_settings` for `planner`: every key must be one the planner reads, with a
    /// value in its range (`PlannerSettings.set`); `${NAME}` is replaced as in other strings.
    mutating func parsePlannerSettings(_ value: Any?, planner: PlannerKind, _ path: String) -> PlannerSettings {
        var settings = PlannerSettings()
        guard let value else { return settings }
        let path = join(path, "planner_settings")
        guard let map = value as? [String: Any] else {
            problems.append(
                ConfigProblem(path: path, message: "expected a mapping of settings such as `batch_size: 5`"))
            return settings
        }
        for key in map.keys.sorted() {
            // A fraction, a list or a mapping is no setting's value: it is passed on as unreadable,
            // so the problem says what the setting takes.
            let readable =
                PlannerSettings.keys(for: planner).contains(key) && !(map[key] is Double)
                && map[key].flatMap(scalar) != nil
            guard let text = readable ? string(map, key, path) : "?" else { continue }
            if let problem = settings.set(key, to: text, for: planner) {
                problems.append(ConfigProblem(path: join(path, key), message: problem))
            }
        }
        if let (key, message) = settings.inconsistency {
            problems.append(ConfigProblem(path: join(path, key), message: message))
        }
        return settings
    }

    /// A whole number in `range`, or a problem saying what was expected.
    mutating func wholeNumber(_ map: [String: Any], _ key: String, _ path: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = map[key] else { return nil }
        guard !(value is Bool), let number = value as? Int, range.contains(number) else {
            problems.append(
                ConfigProblem(
                    path: join(path, key),
                    message: "expected a whole number from \(range.lowerBound) to \(range.upperBound)"))
            return nil
        }
        return number
    }
}

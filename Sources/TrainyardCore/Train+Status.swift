/// Answers to `status`: where a change stands on its train, and how a train is doing.
extension Train {
    /// Where change `number` stands, in a sentence: its position, the shortest car holding it
    /// and what that car is doing, and what waits ahead of it; or that it landed or is not on
    /// this train; and when it is expected to land (see ``eta(of:at:)``), as of `now` (the
    /// train's latest time when `nil`). Read-only: nothing about the train changes.
    public func statusText(of number: Int, at now: Instant? = nil) -> String {
        guard let index = queue.firstIndex(where: { $0.number == number }) else {
            if let landed = recentlyLanded.last(where: { $0.number == number }) {
                return "!\(number) landed in `\(id.target)` as \(landed.commit.short)."
            }
            return "!\(number) is not on the merge train of `\(id.target)`."
        }
        let car = cars.first { $0.changes.contains { $0.number == number } }
        let description = status(of: queue[index], at: index, car: car).description
        var text = "!\(number): " + description.prefix(1).lowercased() + description.dropFirst()
        let ahead = queue[..<index].map { "!\($0.number)" }
        if !ahead.isEmpty { text += "; ahead of it: \(ahead.prefix(10).joined(separator: ", "))" }
        if ahead.count > 10 { text += " and \(ahead.count - 10) more" }
        if let pause { return text + ". The train is paused (\(pause.reason), by \(pause.by))." }
        return text + ". " + ETAText.sentence(eta(of: number, at: now), paused: false)
    }

    /// How the train is doing, in a sentence: queued changes, cars and their states, a pause.
    public var summaryText: String {
        var text = "`\(id.target)`: "
        if queue.isEmpty {
            text += "nothing queued"
        } else {
            let numbers = queue.prefix(10).map { "!\($0.number)" }.joined(separator: ", ")
            text += "\(queue.count) queued (\(numbers)\(queue.count > 10 ? ", …" : ""))"
        }
        if !cars.isEmpty {
            let testing = cars.filter { $0.status == .testing }.count
            text += ", \(cars.count) car\(cars.count == 1 ? "" : "s") (\(testing) testing)"
        }
        if let pause { text += ", paused (\(pause.reason), by \(pause.by))" }
        return text + "."
    }
}

/// An ETA in words, for notes, chat replies and statuses.
public enum ETAText {
    /// `under a minute`, `about 25 min`, `about 2 h 10 min`, `about 3 d 4 h`.
    public static func duration(_ milliseconds: Int64) -> String {
        let minutes = (milliseconds + 30_000) / 60_000
        if minutes < 1 { return "under a minute" }
        if minutes < 60 { return "about \(minutes) min" }
        let hours = minutes / 60
        if hours < 24 { return "about \(hours) h" + (minutes % 60 == 0 ? "" : " \(minutes % 60) min") }
        return "about \(hours / 24) d" + (hours % 24 == 0 ? "" : " \(hours % 24) h")
    }

    /// The ETA sentence of a note or reply: `Expected to land in about 25 min.`, or why none can
    /// be given yet.
    public static func sentence(_ milliseconds: Int64?, paused: Bool) -> String {
        if paused { return "No ETA while the train is paused." }
        guard let milliseconds else { return "An ETA is given once a pipeline of this train has passed." }
        return "Expected to land in \(duration(milliseconds))."
    }
}

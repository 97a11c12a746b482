/// The one command language every channel shares (`docs/commands.md` is its reference).
///
/// A command is a verb, then its object in chat, then its options:
/// `merge [p=N] [skip-line]` (bors: `r+`, `r+ p=N`), `cancel` (`r-`), `retry`, `try`,
/// `priority N` (`p=N`), `status`, `pause [reason]`, `resume`, `help`. In a merge request
/// comment the object is that merge request; in chat it is named: `merge group/app!12` (or the
/// merge request's web address), `status group/app`, `pause group/app main release freeze`.
public enum CommandGrammar {
    /// The priorities `p=N` accepts, as the API does.
    public static let priorities = -1000...1000

    /// Other spellings of verbs, from bors.
    static let aliases: [String: CommandInvocation.Verb] = ["r+": .merge, "r-": .cancel]

    /// Reads the verb word: a verb, an alias, or `p=N` (a priority change). Case does not matter.
    static func verb(_ word: Substring) -> Result<(CommandInvocation.Verb, Int?), CommandError> {
        let lowered = word.lowercased()
        if let verb = CommandInvocation.Verb(rawValue: lowered) { return .success((verb, nil)) }
        if let verb = aliases[lowered] { return .success((verb, nil)) }
        if lowered.hasPrefix("p=") {
            return priority(lowered.dropFirst(2)).map { (.priority, $0) }
        }
        return .failure(CommandError("`\(word)` is not a Trainyard command.", suggestion: nearestVerb(lowered)))
    }

    /// A priority written as a whole number in ``priorities``.
    static func priority(_ text: Substring) -> Result<Int, CommandError> {
        guard let value = Int(text), priorities.contains(value) else {
            return .failure(
                CommandError(
                    "`\(text)` is not a priority: write a whole number from \(priorities.lowerBound) to "
                        + "\(priorities.upperBound), for example `p=2`."))
        }
        return .success(value)
    }

    /// The verb or alias nearest to `word` (at most two edits away, one for short words).
    static func nearestVerb(_ word: String) -> String? {
        let candidates = CommandInvocation.Verb.allCases.map(\.rawValue) + aliases.keys.sorted()
        let limit = word.count <= 3 ? 1 : 2
        let scored = candidates.map { ($0, editDistance(word, $0)) }.filter { $0.1 <= limit }
        return scored.min { $0.1 < $1.1 }?.0
    }

    /// The optimal string alignment distance: insertions, deletions, substitutions and swaps of
    /// neighbours each count one (`mrege` is one from `merge`).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var best = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    best = min(best, table[i - 2][j - 2] + 1)
                }
                table[i][j] = best
            }
        }
        return table[a.count][b.count]
    }

    /// Reads the options after a verb. Options are `p=N` and `skip-line` for `merge`, a number
    /// for `priority`, the rest of the words for `pause` (the reason). With `strict` (chat) any
    /// other word is an error; otherwise (comments) reading stops there and the rest is ignored,
    /// so `@trainyard merge please` is a `merge`.
    static func options(
        _ verb: CommandInvocation.Verb, implied: Int?, _ words: ArraySlice<Substring>, strict: Bool
    ) -> Result<CommandInvocation, CommandError> {
        var invocation = CommandInvocation(verb, priority: implied)
        switch verb {
        case .pause:
            let reason = words.joined(separator: " ")
            invocation.reason = reason.isEmpty ? nil : reason
            return .success(invocation)
        case .merge, .priority:
            reading: for word in words {
                let lowered = word.lowercased()
                if verb == .merge, lowered == "skip-line" {
                    invocation.skipLine = true
                } else if lowered.hasPrefix("p="), invocation.priority == nil {
                    switch priority(lowered.dropFirst(2)) {
                    case .success(let value): invocation.priority = value
                    case .failure(let error): return .failure(error)
                    }
                } else if verb == .priority, invocation.priority == nil, Int(word) != nil {
                    switch priority(word) {
                    case .success(let value): invocation.priority = value
                    case .failure(let error): return .failure(error)
                    }
                } else if strict {
                    return .failure(unexpected(word, after: invocation))
                } else {
                    break reading
                }
            }
            if verb == .priority, invocation.priority == nil {
                return .failure(
                    CommandError("`priority` needs the new priority, a whole number: `priority 2` or `p=2`."))
            }
            return .success(invocation)
        case .reviewApp:
            guard let word = words.first else { return .failure(reviewAppUsage(nil)) }
            guard let action = ReviewAppCommand(rawValue: word.lowercased()) else {
                return .failure(reviewAppUsage(word))
            }
            invocation.reviewAppVerb = action
            if strict, let extra = words.dropFirst().first { return .failure(unexpected(extra, after: invocation)) }
            return .success(invocation)
        case .cancel, .retry, .try, .status, .resume, .help, .schedule:
            if strict, let word = words.first { return .failure(unexpected(word, after: invocation)) }
            return .success(invocation)
        }
    }

    /// `review-app` without what to do, or with something it does not do.
    static func reviewAppUsage(_ word: Substring?) -> CommandError {
        let forms = "`review-app deploy`, `review-app stop`, `review-app pin` or `review-app unpin`"
        guard let word else { return CommandError("`review-app` needs what to do: \(forms).") }
        let nearest = ReviewAppCommand.allCases.map(\.rawValue)
            .map { ($0, editDistance(word.lowercased(), $0)) }.filter { $0.1 <= (word.count <= 3 ? 1 : 2) }
            .min { $0.1 < $1.1 }?.0
        return CommandError(
            "`\(word)` is not something `review-app` does: \(forms).", suggestion: nearest.map { "review-app \($0)" })
    }

    static func unexpected(_ word: Substring, after invocation: CommandInvocation) -> CommandError {
        let verb = ([invocation.verb.rawValue] + [invocation.reviewAppVerb?.rawValue].compactMap { $0 })
            .joined(separator: " ")
        return CommandError("`\(word)` means nothing after `\(verb)`.", suggestion: invocation.written)
    }
}

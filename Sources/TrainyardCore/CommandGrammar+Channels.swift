/// The grammar in its two settings: lines of a merge request comment, and the text of a chat
/// slash command (which names its object).
extension CommandGrammar {
    /// Reads the commands of a comment, in order. A command stands at the start of a line, as
    /// `/merge` or `@trainyard merge` (the mention name is configurable). Lines in fenced code
    /// blocks, and commands quoted mid-sentence, are not commands, so Trainyard's own notes never
    /// give one. A `/word` that is not a Trainyard verb is left alone (it may be one of GitLab's
    /// quick actions); `@trainyard word` with an unknown or malformed command is an error, so the
    /// person can be told what was wrong.
    public static func comment(_ text: String, mention: String = "trainyard") -> [Result<
        CommandInvocation, CommandError
    >] {
        var found: [Result<CommandInvocation, CommandError>] = []
        var inFence = false
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(200) {
            let line = rawLine.trimmingWhitespace()
            if line.hasPrefix("```") || line.hasPrefix("~~~") {
                inFence.toggle()
                continue
            }
            guard !inFence else { continue }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = words.first else { continue }
            if first.hasPrefix("/") {
                guard case .success(let (verb, implied)) = Self.verb(first.dropFirst()), verb != .schedule else {
                    continue
                }
                found.append(options(verb, implied: implied, words.dropFirst(), strict: false))
            } else if first.lowercased() == "@" + mention.lowercased(), words.count > 1 {
                switch Self.verb(words[1]) {
                case .success((.schedule, _)):
                    found.append(.failure(scheduleInComment))
                case .success(let (verb, implied)):
                    found.append(options(verb, implied: implied, words.dropFirst(2), strict: false))
                case .failure(var error):
                    error.suggestion = error.suggestion.map { "@\(mention) \($0)" }
                    found.append(.failure(error))
                }
            }
        }
        return found
    }

    /// Reads a chat slash command's text (what follows `/train`): the verb, its object, its
    /// options. Empty text is `help`. Every word must mean something.
    public static func chat(_ text: String) -> Result<(CommandInvocation, CommandSubject?), CommandError> {
        let words = text.split(whereSeparator: \.isWhitespace)
        guard let first = words.first else { return .success((CommandInvocation(.help), nil)) }
        let (verb, implied): (CommandInvocation.Verb, Int?)
        switch Self.verb(first) {
        case .success(let read): (verb, implied) = read
        case .failure(var error):
            error.suggestion = error.suggestion.map {
                ([$0] + words.dropFirst().map(String.init)).joined(separator: " ")
            }
            return .failure(error)
        }
        let rest = words.dropFirst()
        switch verb {
        case .help:
            return .success((CommandInvocation(.help), nil))
        case .schedule:
            return schedule(rest)
        case .merge, .cancel, .retry, .try, .priority, .reviewApp:
            guard let index = rest.firstIndex(where: { mergeRequest($0) != nil }),
                let subject = mergeRequest(rest[index])
            else { return .failure(missingMergeRequest(verb, rest)) }
            var others = rest
            others.remove(at: index)
            return about(subject, options(verb, implied: implied, others, strict: true))
        case .status:
            guard let word = rest.first else {
                return .failure(
                    CommandError(
                        "`status` needs a merge request or a project: `status group/app!12` or `status group/app`."))
            }
            if let subject = mergeRequest(word) {
                return about(subject, options(verb, implied: nil, rest.dropFirst(), strict: true))
            }
            guard let project = project(word) else { return .failure(notAnObject(word, verb)) }
            if let target = rest.dropFirst().first {
                return about(
                    .train(project: project, target: String(target)),
                    options(verb, implied: nil, rest.dropFirst(2), strict: true))
            }
            return .success((CommandInvocation(.status), .project(project)))
        case .pause, .resume:
            guard let word = rest.first, let project = project(word) else {
                let example = "`\(verb.rawValue) group/app main\(verb == .pause ? " release freeze" : "")`"
                return .failure(
                    CommandError("`\(verb.rawValue)` needs a project and its target branch: \(example)."))
            }
            guard let target = rest.dropFirst().first else {
                return .failure(
                    CommandError(
                        "`\(verb.rawValue)` needs the target branch after the project.",
                        suggestion: "\(verb.rawValue) \(project) main"))
            }
            return about(
                .train(project: project, target: String(target)),
                options(verb, implied: nil, rest.dropFirst(2), strict: true))
        }
    }

    /// A command read about `subject`; a suggestion in an error gets the subject after its verb,
    /// so it can be written as it is: `merge group/app!12 p=2`.
    static func about(
        _ subject: CommandSubject, _ read: Result<CommandInvocation, CommandError>
    ) -> Result<(CommandInvocation, CommandSubject?), CommandError> {
        read.map { ($0, subject) }.mapError { error in
            var error = error
            error.suggestion = error.suggestion.map { suggestion in
                // The subject goes after the verb, and after a `review-app` command's own verb.
                let verbWords = suggestion.hasPrefix(CommandInvocation.Verb.reviewApp.rawValue + " ") ? 2 : 1
                let words = suggestion.split(separator: " ", maxSplits: verbWords).map(String.init)
                return (words.prefix(verbWords) + [subject.description] + words.dropFirst(verbWords))
                    .joined(separator: " ")
            }
            return error
        }
    }

    /// `group/app!12`, or a merge request's web address
    /// (`https://gitlab.example.com/group/app/-/merge_requests/12`, with or without `/-`, and
    /// with anything after the number).
    static func mergeRequest(_ word: Substring) -> CommandSubject? {
        var text = word
        if text.hasPrefix("<"), text.hasSuffix(">") { text = text.dropFirst().dropLast() }  // Slack's links
        if let bar = text.firstIndex(of: "|") { text = text[..<bar] }
        if text.hasPrefix("https://") || text.hasPrefix("http://") {
            let afterScheme = text[text.index(after: text.firstIndex(of: ":")!)...].drop { $0 == "/" }
            guard let slash = afterScheme.firstIndex(of: "/") else { return nil }
            let path = afterScheme[afterScheme.index(after: slash)...]
            for marker in ["/-/merge_requests/", "/merge_requests/"] {
                guard let range = path.firstRange(of: marker) else { continue }
                let digits = path[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
                guard let number = iid(digits), let project = project(path[..<range.lowerBound]) else { return nil }
                return .mergeRequest(project: project, number: number)
            }
            return nil
        }
        guard let bang = text.lastIndex(of: "!"), let number = iid(text[text.index(after: bang)...]),
            let project = project(text[..<bang])
        else { return nil }
        return .mergeRequest(project: project, number: number)
    }

    /// A merge request number: 1 to 2^31 - 1.
    static func iid(_ text: Substring) -> Int? {
        guard let number = Int(text), number >= 1, number <= Int(Int32.max) else { return nil }
        return number
    }

    /// A project path: at least `namespace/name`, of letters, digits, `.`, `_`, `-` and `/`.
    static func project(_ word: Substring) -> String? {
        let parts = word.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2,
            parts.allSatisfy({ part in
                !part.isEmpty && part != "." && part != ".."
                    && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
            })
        else { return nil }
        return String(word)
    }

    static func missingMergeRequest(_ verb: CommandInvocation.Verb, _ rest: ArraySlice<Substring>) -> CommandError {
        let example =
            switch verb {
            case .priority: "priority group/app!12 2"
            case .reviewApp: "review-app deploy group/app!12"
            default: "\(verb.rawValue) group/app!12"
            }
        if let word = rest.first(where: { project($0) != nil }) {
            return CommandError(
                "`\(verb.rawValue)` needs a merge request, and `\(word)` is a project.",
                suggestion: "\(verb.rawValue) \(word)!12")
        }
        if let word = rest.first(where: { $0.hasPrefix("!") }) {
            return CommandError(
                "`\(word)` does not say which project: write the project's path before the `!`.",
                suggestion: "\(verb.rawValue) group/app\(word)")
        }
        return CommandError(
            "`\(verb.rawValue)` needs a merge request: `\(example)` or the merge request's web address.")
    }

    static func notAnObject(_ word: Substring, _ verb: CommandInvocation.Verb) -> CommandError {
        CommandError(
            "`\(word)` is neither a merge request (`group/app!12`) nor a project (`group/app`).",
            suggestion: "\(verb.rawValue) group/app!12")
    }
}

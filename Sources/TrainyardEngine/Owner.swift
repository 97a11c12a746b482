import TrainyardCore

/// What a stored delivery, action or timer belongs to: the one driver that may act on it.
///
/// Deliveries are routed to their owner when they are stored. A train owns everything that
/// names its target; a project owns what must be looked up on the forge before its train is
/// known (an API command names only the merge request), and its driver routes such a delivery
/// on to the train once the forge has answered.
public enum Owner: Hashable, Sendable, CustomStringConvertible {
    case train(TrainID)
    case project(ProjectKey)
    /// A pipeline schedule, by its name (unique in the service).
    case schedule(String)
    /// The review apps of a project.
    case reviewApps(ProjectKey)

    /// The stored form: `gitlab:group/app@main` for a train (``TrainID``'s description, which the
    /// outbox has always used), `gitlab:group/app` for a project. A project path has no `@`.
    public var key: String {
        switch self {
        case .train(let id): return id.description
        case .project(let key): return key.description
        case .schedule(let name): return Self.schedulePrefix + name
        case .reviewApps(let project): return Self.reviewAppsPrefix + project.description
        }
    }

    /// The stored form of a project's review apps begins with this (`review-apps:gitlab:group/app`);
    /// no forge may be named `review-apps`.
    public static let reviewAppsPrefix = "review-apps:"

    /// The stored form of a schedule owner begins with this; no forge may be named `schedule`.
    public static let schedulePrefix = "schedule:"

    public var description: String { key }

    /// Reads a stored key back; `nil` when it is not one that ``key`` writes.
    public init?(key: String) {
        if key.hasPrefix(Self.schedulePrefix) {
            let name = String(key.dropFirst(Self.schedulePrefix.count))
            guard !name.isEmpty else { return nil }
            self = .schedule(name)
            return
        }
        if key.hasPrefix(Self.reviewAppsPrefix) {
            guard case .project(let project)? = Owner(key: String(key.dropFirst(Self.reviewAppsPrefix.count))) else {
                return nil
            }
            self = .reviewApps(project)
            return
        }
        guard let colon = key.firstIndex(of: ":") else { return nil }
        let forge = String(key[..<colon])
        let rest = key[key.index(after: colon)...]
        guard !forge.isEmpty, !rest.isEmpty else { return nil }
        if let at = rest.firstIndex(of: "@") {
            let project = String(rest[..<at])
            let target = String(rest[rest.index(after: at)...])
            guard !project.isEmpty, !target.isEmpty else { return nil }
            self = .train(TrainID(forge: forge, project: project, target: target))
        } else {
            self = .project(ProjectKey(forge: forge, path: String(rest)))
        }
    }

    /// The project the owner belongs to; `nil` for a schedule (its definition names its project).
    public var project: ProjectKey? {
        switch self {
        case .train(let id): return ProjectKey(forge: id.forge, path: id.project)
        case .project(let key), .reviewApps(let key): return key
        case .schedule: return nil
        }
    }
}

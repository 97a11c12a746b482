import Logging
import TrainyardCore

/// What the log lines of one piece of work are about: the delivery being applied, the project,
/// target and merge request. Set as a task-local around each stored delivery and each action, and
/// added to every line logged meanwhile by ``metadataProvider``, so a line about a train says
/// which one without each call site repeating it.
public struct LogContext: Sendable, Hashable {
    /// The forge's delivery id (`X-Gitlab-Event-UUID`, `X-GitHub-Delivery`) or Trainyard's own key.
    public var delivery: String?
    public var project: String?
    public var target: String?
    public var change: Int?

    public init(delivery: String? = nil, project: String? = nil, target: String? = nil, change: Int? = nil) {
        self.delivery = delivery
        self.project = project
        self.target = target
        self.change = change
    }

    @TaskLocal public static var current = LogContext()

    /// Adds the current context's fields (`delivery`, `project`, `target`, `change`) to a line.
    public static let metadataProvider = Logger.MetadataProvider {
        let context = current
        var metadata: Logger.Metadata = [:]
        if let delivery = context.delivery { metadata["delivery"] = "\(delivery)" }
        if let project = context.project { metadata["project"] = "\(project)" }
        if let target = context.target { metadata["target"] = "\(target)" }
        if let change = context.change { metadata["change"] = "\(change)" }
        return metadata
    }

    /// The context of a stored delivery: its key, and what its owner and event say.
    init(_ row: InboxRow) {
        delivery = "\(row.delivery.source):\(row.delivery.key)"
        switch row.owner {
        case .train(let id)?: (project, target) = (id.project, id.target)
        case .project(let key)?, .reviewApps(let key)?: project = key.path
        case .schedule?, nil: break
        }
        switch row.delivery.event {
        case .mergeRequest(let event): change = event.number
        case .comment(let event): change = event.number
        case .command(let event): change = event.number
        default: break
        }
    }

    /// The context of an action of train `id`.
    init(train id: TrainID, action: TrainAction) {
        project = id.project
        target = id.target
        switch action {
        case .comment(let number, _), .setStatus(let number, _, _, _): change = number
        default: break
        }
    }
}

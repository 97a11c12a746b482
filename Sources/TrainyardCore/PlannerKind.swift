/// The name of a planner in configuration (`planner: adaptive`) and in a stored train's settings.
/// Each name has one ``Planner`` type that holds its behaviour (`Planners/`).
public enum PlannerKind: String, Hashable, Codable, Sendable, CaseIterable {
    /// Trainyard's own (the default); see ``AdaptivePlanner``.
    case adaptive
    /// Prefix speculation, blame once everything ahead passed; see ``PrefixPlanner``.
    case prefix
    /// One car of one change at a time; see ``SerialPlanner``.
    case serial
    /// GitLab merge trains; see ``GitLabPlanner``.
    case gitlab
    /// Zuul's dependent pipeline; see ``ZuulPlanner``.
    case zuul
    /// bors-ng; see ``BorsPlanner``.
    case bors
    /// GitHub merge queue, ALLGREEN; see ``GitHubPlanner``.
    case github
    /// GitHub merge queue, HEADGREEN; see ``GitHubPlanner``.
    case githubHeadgreen = "github-headgreen"
    /// Uber's SubmitQueue; see ``SubmitQueuePlanner``.
    case submitqueue
    /// Trunk Merge Queue with batching; see ``TrunkPlanner``.
    case trunk
    /// Mergify's merge queue with batches and parallel checks; see ``MergifyPlanner``.
    case mergify

    /// The planner of this name.
    public var planner: any Planner {
        switch self {
        case .adaptive: AdaptivePlanner()
        case .prefix: PrefixPlanner()
        case .serial: SerialPlanner()
        case .gitlab: GitLabPlanner()
        case .zuul: ZuulPlanner()
        case .bors: BorsPlanner()
        case .github: GitHubPlanner(headGreen: false)
        case .githubHeadgreen: GitHubPlanner(headGreen: true)
        case .submitqueue: SubmitQueuePlanner()
        case .trunk: TrunkPlanner()
        case .mergify: MergifyPlanner()
        }
    }
}

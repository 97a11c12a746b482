import Foundation
import TrainyardCore

/// What review apps need of a forge beyond what trains do.
public protocol ReviewAppForge: Sendable {
    /// Creates a pipeline on `ref` with `variables` (which include
    /// ``ReviewAppVariables/attempt``). With `searchEarlier`, a pipeline an earlier try made for
    /// the same attempt is returned instead, so that a repeated try creates nothing.
    func createReviewPipeline(
        project: ProjectSettings, ref: String, variables: [String: String], searchEarlier: Bool
    ) async throws -> ScheduledPipeline
    /// The names of the environments that are available and start with `prefix`.
    func availableEnvironments(project: ProjectSettings, prefix: String) async throws -> [String]
    /// The URL of environment `name` (its `external_url`), if it has one.
    func environmentURL(project: ProjectSettings, name: String) async throws -> String?
    /// Stops environment `name` (its stop job runs, if it has one).
    func stopEnvironment(project: ProjectSettings, name: String) async throws
    /// The numbers of the merge requests that are open.
    func openMergeRequests(project: ProjectSettings) async throws -> Set<Int>
    /// Writes the note marked `key` on the merge request, editing the one written before.
    func upsertNote(project: ProjectSettings, number: Int, key: String, body: String) async throws
    /// Sets the commit status `name` on `sha`.
    func setStatus(project: ProjectSettings, sha: SHA, name: String, state: CommitState, description: String)
        async throws
}

/// The variables a review app's deploy and stop pipelines get; the project's `.gitlab-ci.yml`
/// acts on them.
public enum ReviewAppVariables {
    /// `deploy` or `stop`.
    public static let action = "TRAINYARD_REVIEW_APP"
    /// `mr-12`.
    public static let slug = "TRAINYARD_REVIEW_APP_SLUG"
    /// The app's URL from `review_apps.url`, when one is configured.
    public static let url = "TRAINYARD_REVIEW_APP_URL"
    /// `review/mr-12`: the environment to deploy to or stop.
    public static let environment = "TRAINYARD_REVIEW_APP_ENVIRONMENT"
    /// Which try this is, so that a repeated creation finds the pipeline it made.
    public static let attempt = "TRAINYARD_REVIEW_APP_ATTEMPT"
}

/// Deploys and stops by the team's own endpoint (`deploy: {http: {url, secret}}`).
public protocol ReviewAppHook: Sendable {
    /// POSTs the signed request; returns the app's URL when the answer names one. Throws when the
    /// endpoint did not answer 2xx.
    func send(_ request: ReviewAppHookRequest, to url: String, secret: String) async throws -> String?
}

/// The JSON body of a deploy or stop request to the team's endpoint.
public struct ReviewAppHookRequest: Hashable, Codable, Sendable {
    public var action: String
    public var project: String
    public var mergeRequest: Int
    public var sourceBranch: String
    public var head: String
    public var slug: String
    public var environment: String
    public var url: String?
    public var attempt: Int

    public init(
        action: String, project: String, mergeRequest: Int, sourceBranch: String, head: String, slug: String,
        environment: String, url: String?, attempt: Int
    ) {
        self.action = action
        self.project = project
        self.mergeRequest = mergeRequest
        self.sourceBranch = sourceBranch
        self.head = head
        self.slug = slug
        self.environment = environment
        self.url = url
        self.attempt = attempt
    }

    enum CodingKeys: String, CodingKey {
        case action, project, slug, environment, url, attempt, head
        case mergeRequest = "merge_request"
        case sourceBranch = "source_branch"
    }
}

/// The browser check, for review apps.
public protocol BrowserPort: Sendable {
    /// Checks `url`; the figures and the full-page screenshot (PNG).
    func check(url: String, expectSelectors: [String]) async -> (BrowserCheckResult, Data?)
    /// The share of pixels that changed between two screenshots, and a difference image.
    func compare(_ baseline: Data, _ current: Data) async throws -> (ratio: Double, difference: Data)
}

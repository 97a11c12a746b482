import Foundation

/// Everything the fake keeps about one project.
struct FakeProjectState: Sendable {
    /// A webhook registered with ``FakeGitLab/addWebhook(project:url:token:)``.
    struct Webhook: Sendable {
        var url: URL
        var token: String
        let uuid: String
        /// The hooks API's id.
        var id = 0
        /// The event flags that are on (`merge_requests_events`, …); nil takes every event (the
        /// hooks tests add with ``FakeGitLab/addWebhook(project:url:token:)``).
        var events: Set<String>?
        var enableSSLVerification = true
        /// `executable`, `temporarily_disabled` or `disabled` (GitLab's auto-disabling).
        var alertStatus = "executable"

        /// Whether the hook takes deliveries of `event` (`Merge Request Hook`, …).
        func takes(_ event: String) -> Bool {
            guard alertStatus == "executable" else { return false }
            guard let events, let flag = FakeGitLab.hookFlags[event] else { return true }
            return events.contains(flag)
        }
    }

    let project: FakeProject
    let repository: FakeGitRepository
    let workClone: FakeWorkClone
    let createdAt: Date
    var webhooks: [Webhook] = []
    var mergeRequests: [Int: FakeMergeRequest] = [:]
    /// Current commit status records, updated in place as they move from pending to running to done.
    var commitStatuses: [FakeCommitStatus] = []
    /// Every accepted status post, in order.
    var statusPosts: [FakeCommitStatus] = []
    var pipelines: [FakePipeline] = []
    var environments: [FakeEnvironment] = []
    var nextMergeRequestIID = 1
    var nextPipelineIID = 1

    init(project: FakeProject, repository: FakeGitRepository, workClone: FakeWorkClone, createdAt: Date) {
        self.project = project
        self.repository = repository
        self.workClone = workClone
        self.createdAt = createdAt
    }

    /// The index of pipeline `id` in ``pipelines``.
    func pipelineIndex(_ id: Int) -> Int? {
        pipelines.firstIndex { $0.id == id }
    }
}

/// The parts of GitHub's webhook payloads Trainyard reads. Field names are GitHub's
/// (docs.github.com/en/webhooks/webhook-events-and-payloads); everything else is ignored.
enum GitHubPayload {
    struct Repository: Decodable {
        /// `owner/name`, the project's path in Trainyard's configuration.
        let full_name: String
    }

    struct User: Decodable {
        let id: Int?
        let login: String
    }

    struct Branch: Decodable {
        let ref: String
        let sha: String
    }

    struct PullRequest: Decodable {
        let number: Int
        let state: String
        let merged: Bool?
        let draft: Bool?
        let head: Branch
        let base: Branch
    }

    struct PullRequestHook: Decodable {
        /// What changed in an `edited` delivery; only a new base matters to a train.
        struct Changes: Decodable {
            struct From: Decodable { let from: String }
            struct Base: Decodable { let ref: From }
            let base: Base?
        }
        let action: String
        let pull_request: PullRequest
        let repository: Repository
        let changes: Changes?
    }

    struct ReviewHook: Decodable {
        struct Review: Decodable {
            /// `approved`, `changes_requested`, `commented`, `dismissed` (lower case in webhooks).
            let state: String
        }
        let action: String
        let review: Review
        let pull_request: PullRequest
        let repository: Repository
    }

    struct IssueCommentHook: Decodable {
        struct Issue: Decodable {
            /// Present only when the issue is a pull request.
            struct PullRequestLink: Decodable {}
            let number: Int
            let pull_request: PullRequestLink?
        }
        struct Comment: Decodable {
            /// The comment's id: its key in the inbox, also when the reconciler replays it.
            let id: Int?
            let body: String
            let user: User
        }
        let action: String
        let issue: Issue
        let comment: Comment
        let repository: Repository
    }

    struct PushHook: Decodable {
        let ref: String
        let after: String
        let deleted: Bool?
        let repository: Repository
    }

    struct CheckRunHook: Decodable {
        struct CheckRun: Decodable {
            struct Suite: Decodable { let head_branch: String? }
            let name: String
            let head_sha: String
            let status: String
            let conclusion: String?
            let check_suite: Suite?
        }
        let check_run: CheckRun
        let repository: Repository
    }

    struct CheckSuiteHook: Decodable {
        struct CheckSuite: Decodable {
            struct App: Decodable { let name: String? }
            let head_sha: String
            let head_branch: String?
            let status: String?
            let conclusion: String?
            let app: App?
        }
        let check_suite: CheckSuite
        let repository: Repository
    }

    struct StatusHook: Decodable {
        struct BranchName: Decodable { let name: String }
        let sha: String
        let state: String
        let context: String
        let branches: [BranchName]
        let repository: Repository
    }

    struct WorkflowRunHook: Decodable {
        struct WorkflowRun: Decodable {
            let name: String?
            let head_sha: String
            let head_branch: String?
            let status: String
            let conclusion: String?
        }
        let workflow_run: WorkflowRun
        let repository: Repository
    }
}

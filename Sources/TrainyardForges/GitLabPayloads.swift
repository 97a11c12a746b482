/// The parts of GitLab's webhook payloads Trainyard reads. Field names are GitLab's
/// (docs.gitlab.com/user/project/integrations/webhook_events); everything else is ignored.
enum GitLabPayload {
    struct Project: Decodable {
        let path_with_namespace: String
    }

    struct User: Decodable {
        let id: Int?
        let username: String
    }

    struct Commit: Decodable {
        let id: String
    }

    struct MergeRequestHook: Decodable {
        struct Attributes: Decodable {
            let iid: Int
            let target_branch: String
            let state: String
            let action: String?
            let last_commit: Commit
        }
        let project: Project
        let object_attributes: Attributes
    }

    struct NoteHook: Decodable {
        struct Attributes: Decodable {
            /// The note's id: the comment's key in the inbox, also when the reconciler replays it.
            let id: Int?
            let note: String
            let noteable_type: String
            /// `create` or `update` (GitLab 16.11+ also sends edits).
            let action: String?
        }
        struct MergeRequest: Decodable {
            let iid: Int
            /// Routes the comment to its train at intake; the train's driver checks it with the API.
            let target_branch: String?
        }
        let user: User
        let project: Project
        let object_attributes: Attributes
        let merge_request: MergeRequest?
    }

    struct PushHook: Decodable {
        let ref: String
        let after: String
        let project: Project
    }

    /// GitLab's Deployment Hook; every field optional, so that one without them is ignored, not
    /// refused.
    struct DeploymentHook: Decodable {
        struct Project: Decodable { let path_with_namespace: String? }
        let status: String?
        let environment: String?
        let environment_external_url: String?
        let project: Project?
    }

    struct PipelineHook: Decodable {
        struct Attributes: Decodable {
            let id: Int
            let ref: String
            let sha: String
            let status: String
            let tag: Bool?
            let source: String?
            /// The pipeline's variables, as `[{key, value}]`.
            let variables: [Variable]?
        }
        struct Variable: Decodable {
            let key: String
            let value: String?
        }
        let project: Project
        let object_attributes: Attributes
    }
}

import Foundation

/// The REST endpoints the fake answers, parsed from a request's method and decoded path segments
/// (after `/api/v4`). Project ids are kept as sent: a number or a decoded path such as `group/app`.
enum FakeAPIRoute: Sendable {
    case getProject(String)
    case listMergeRequests(String)
    case getMergeRequest(String, iid: Int)
    case getApprovals(String, iid: Int)
    case listHooks(String)
    case createHook(String)
    case updateHook(String, id: Int)
    /// `GET /projects/:id/hooks/:hook_id/events` (GitLab 17.3 and later).
    case listHookEvents(String, id: Int)
    case listNotes(String, iid: Int)
    case createNote(String, iid: Int)
    case postStatus(String, sha: String)
    case listStatuses(String, sha: String)
    case getBranch(String, branch: String)
    case createPipeline(String)
    case listPipelines(String)
    case listPipelineVariables(String, id: Int)
    case getPipeline(String, id: Int)
    case cancelPipeline(String, id: Int)
    case getMember(String, userID: Int)
    /// `GET /users?username=…`.
    case listUsers
    case updateNote(String, iid: Int, noteID: Int)
    case listEnvironments(String)
    case stopEnvironment(String, id: Int)

    init?(method: String, segments: [String]) {
        if method == "GET", segments == ["users"] {
            self = .listUsers
            return
        }
        guard segments.count >= 2, segments[0] == "projects" else { return nil }
        let project = segments[1]
        let rest = Array(segments.dropFirst(2))
        func match(_ pattern: [String]) -> [String]? {
            guard rest.count == pattern.count else { return nil }
            var captures: [String] = []
            for (part, expected) in zip(rest, pattern) {
                if expected == "*" {
                    captures.append(part)
                } else if part != expected {
                    return nil
                }
            }
            return captures
        }
        switch method {
        case "GET":
            if match([]) != nil {
                self = .getProject(project)
            } else if match(["merge_requests"]) != nil {
                self = .listMergeRequests(project)
            } else if let captures = match(["merge_requests", "*"]), let iid = Int(captures[0]) {
                self = .getMergeRequest(project, iid: iid)
            } else if let captures = match(["merge_requests", "*", "notes"]), let iid = Int(captures[0]) {
                self = .listNotes(project, iid: iid)
            } else if match(["hooks"]) != nil {
                self = .listHooks(project)
            } else if let captures = match(["hooks", "*", "events"]), let id = Int(captures[0]) {
                self = .listHookEvents(project, id: id)
            } else if let captures = match(["merge_requests", "*", "approvals"]), let iid = Int(captures[0]) {
                self = .getApprovals(project, iid: iid)
            } else if let captures = match(["repository", "commits", "*", "statuses"]) {
                self = .listStatuses(project, sha: captures[0])
            } else if let captures = match(["repository", "branches", "*"]) {
                self = .getBranch(project, branch: captures[0])
            } else if match(["pipelines"]) != nil {
                self = .listPipelines(project)
            } else if let captures = match(["pipelines", "*"]), let id = Int(captures[0]) {
                self = .getPipeline(project, id: id)
            } else if let captures = match(["pipelines", "*", "variables"]), let id = Int(captures[0]) {
                self = .listPipelineVariables(project, id: id)
            } else if let captures = match(["members", "all", "*"]), let id = Int(captures[0]) {
                self = .getMember(project, userID: id)
            } else if match(["environments"]) != nil {
                self = .listEnvironments(project)
            } else {
                return nil
            }
        case "POST":
            if match(["hooks"]) != nil {
                self = .createHook(project)
            } else if let captures = match(["merge_requests", "*", "notes"]), let iid = Int(captures[0]) {
                self = .createNote(project, iid: iid)
            } else if let captures = match(["statuses", "*"]) {
                self = .postStatus(project, sha: captures[0])
            } else if match(["pipeline"]) != nil {
                self = .createPipeline(project)
            } else if let captures = match(["pipelines", "*", "cancel"]), let id = Int(captures[0]) {
                self = .cancelPipeline(project, id: id)
            } else if let captures = match(["environments", "*", "stop"]), let id = Int(captures[0]) {
                self = .stopEnvironment(project, id: id)
            } else {
                return nil
            }
        case "PUT":
            if let captures = match(["merge_requests", "*", "notes", "*"]), let iid = Int(captures[0]),
                let noteID = Int(captures[1])
            {
                self = .updateNote(project, iid: iid, noteID: noteID)
            } else if let captures = match(["hooks", "*"]), let id = Int(captures[0]) {
                self = .updateHook(project, id: id)
            } else {
                return nil
            }
        default:
            return nil
        }
    }
}

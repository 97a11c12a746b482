import Foundation

/// Request handling: the internal endpoint, failure injection, authentication, logging and the REST API.
extension FakeGitLab {
    /// A REST API error answer.
    struct APIError: Error {
        let response: FakeHTTPResponse

        /// `{"message":"404 <what> Not Found"}`, as GitLab's `not_found!`.
        static func notFound(_ what: String) -> APIError {
            APIError(response: .message(404, "404 \(what) Not Found"))
        }

        /// `{"message":"404 Not found"}`, as GitLab answers for a missing record.
        static let recordNotFound = APIError(response: .message(404, "404 Not found"))

        /// `{"error":"<parameter> is missing"}`, as GitLab's parameter validation.
        static func missing(_ parameter: String) -> APIError {
            APIError(response: .json(400, ["error": .string("\(parameter) is missing")]))
        }

        /// `{"error":"<parameter> does not have a valid value"}`.
        static func invalid(_ parameter: String) -> APIError {
            APIError(response: .json(400, ["error": .string("\(parameter) does not have a valid value")]))
        }

        static func badRequest(_ message: String) -> APIError {
            APIError(response: .message(400, message))
        }
    }

    /// Answers one HTTP request.
    func handle(_ request: FakeHTTPRequest) async -> FakeHTTPResponse {
        let segments = request.segments
        if segments.starts(with: ["-", "fake", "post-receive"]) {
            return await handlePostReceive(request)
        }
        let index = requests.count
        requests.append(
            FakeRequest(
                method: request.method, path: request.path, query: request.query,
                body: String(decoding: request.body, as: UTF8.self), userAgent: request.headers["user-agent"], status: 0
            )
        )
        await waitForHold(segments: segments)
        var response = await answerAPI(request, segments: segments)
        if request.method == "POST", failuresAfterWork.count > 0, (200...299).contains(response.status) {
            failuresAfterWork.count -= 1
            response = injectedFailure(status: failuresAfterWork.status, retryAfter: nil)
        }
        requests[index].status = response.status
        requests[index].answered = .now
        return response
    }

    private func answerAPI(_ request: FakeHTTPRequest, segments: [String]) async -> FakeHTTPResponse {
        if pendingFailures.count > 0 {
            pendingFailures.count -= 1
            return injectedFailure(status: pendingFailures.status, retryAfter: pendingFailures.retryAfter)
        }
        guard segments.starts(with: ["api", "v4"]) else {
            return .json(404, ["error": "404 Not Found"])
        }
        guard isAuthorized(request) else {
            return .message(401, "401 Unauthorized")
        }
        guard let route = FakeAPIRoute(method: request.method, segments: Array(segments.dropFirst(2))) else {
            return .json(404, ["error": "404 Not Found"])
        }
        do {
            return try await answer(route, parameters: request.parameters, variables: request.pipelineVariables)
        } catch let error as APIError {
            return error.response
        } catch {
            return .message(500, "500 Internal Server Error")
        }
    }

    private func injectedFailure(status: Int, retryAfter: Int?) -> FakeHTTPResponse {
        var response: FakeHTTPResponse
        if status == 429 {
            response = .text(429, "Retry later\n")
        } else {
            let reasons = [
                400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
                500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
            ]
            response = .message(status, "\(status) \(reasons[status] ?? "Error")")
        }
        response.retryAfter = retryAfter
        return response
    }

    private func isAuthorized(_ request: FakeHTTPRequest) -> Bool {
        if request.headers["private-token"] == token { return true }
        if request.headers["authorization"] == "Bearer \(token)" { return true }
        return FakeHTTPRequest.formDecoded(request.query ?? "")["private_token"] == token
    }

    private func lookUpProject(_ id: String) throws -> FakeProjectState {
        let state = Int(id).flatMap { projects[$0] } ?? projectID(path: id).flatMap { projects[$0] }
        guard let state else { throw APIError.notFound("Project") }
        return state
    }

    private func lookUpMergeRequest(_ iid: Int, in state: FakeProjectState) throws -> FakeMergeRequest {
        guard let mergeRequest = projects[state.project.id]?.mergeRequests[iid] else { throw APIError.recordNotFound }
        return mergeRequest
    }

    private func answer(
        _ route: FakeAPIRoute, parameters: [String: String], variables: [String: String] = [:]
    ) async throws -> FakeHTTPResponse {
        switch route {
        case .getProject(let id):
            return .json(200, projectJSON(try lookUpProject(id)))

        case .listMergeRequests(let id):
            let state = try lookUpProject(id)
            let wanted = parameters["state"] ?? "all"
            let list = state.mergeRequests.values
                .filter { wanted == "all" || $0.state == wanted }
                .filter { parameters["source_branch"] == nil || $0.sourceBranch == parameters["source_branch"] }
                .filter { parameters["target_branch"] == nil || $0.targetBranch == parameters["target_branch"] }
                .filter { mergeRequest in
                    guard let text = parameters["updated_after"] else { return true }
                    return (try? Date(text, strategy: .iso8601)).map { mergeRequest.updatedAt >= $0 } ?? true
                }
                .sorted {
                    parameters["order_by"] == "updated_at" ? $0.updatedAt > $1.updatedAt : $0.iid > $1.iid
                }
            return .json(200, .array(Self.page(list, parameters).map { mergeRequestJSON($0, in: state.project) }))

        case .getMergeRequest(let id, let iid):
            let state = try lookUpProject(id)
            return .json(200, mergeRequestJSON(try lookUpMergeRequest(iid, in: state), in: state.project))

        case .listHooks(let id):
            let state = try lookUpProject(id)
            return .json(200, .array(state.webhooks.map(hookJSON)))

        case .listHookEvents(let id, let hookID):
            let state = try lookUpProject(id)
            guard let hook = state.webhooks.first(where: { $0.id == hookID }) else { throw APIError.notFound("Hook") }
            return .json(200, .array(Array(Self.page(hookEvents(hook, status: parameters["status"]), parameters))))

        case .createHook(let id):
            let state = try lookUpProject(id)
            return .json(201, hookJSON(try saveHook(projectID: state.project.id, hookID: nil, parameters)))

        case .updateHook(let id, let hookID):
            let state = try lookUpProject(id)
            return .json(200, hookJSON(try saveHook(projectID: state.project.id, hookID: hookID, parameters)))

        case .getApprovals(let id, let iid):
            let state = try lookUpProject(id)
            return .json(200, approvalsJSON(try lookUpMergeRequest(iid, in: state)))

        case .listNotes(let id, let iid):
            let state = try lookUpProject(id)
            let mergeRequest = try lookUpMergeRequest(iid, in: state)
            // Newest first unless `sort=asc`, as GitLab does.
            let notes = parameters["sort"] == "asc" ? mergeRequest.comments : mergeRequest.comments.reversed()
            return .json(200, .array(Self.page(notes, parameters).map { noteJSON($0, on: mergeRequest) }))

        case .createNote(let id, let iid):
            let state = try lookUpProject(id)
            _ = try lookUpMergeRequest(iid, in: state)
            guard let body = parameters["body"], !body.isEmpty else { throw APIError.missing("body") }
            guard let note = addNote(projectPath: state.project.path, iid: iid, body: body, author: botUsername),
                let mergeRequest = projects[state.project.id]?.mergeRequests[iid]
            else { throw APIError.recordNotFound }
            return .json(201, noteJSON(note, on: mergeRequest))

        case .postStatus(let id, let sha):
            return try await postStatus(try lookUpProject(id), sha: sha, parameters: parameters)

        case .listStatuses(let id, let sha):
            let state = try lookUpProject(id)
            guard let full = await state.repository.resolveObjectID(sha) else { throw APIError.notFound("Commit") }
            let list = (projects[state.project.id]?.commitStatuses ?? [])
                .filter { $0.sha == full && (parameters["ref"] == nil || $0.ref == parameters["ref"]) }
                .filter { parameters["name"] == nil || $0.name == parameters["name"] }
            return .json(200, .array(list.map { statusJSON($0, startedAt: nil, finishedAt: nil) }))

        case .getBranch(let id, let branch):
            let state = try lookUpProject(id)
            guard await FakeGitRepository.isValidBranchName(branch, using: state.repository.git),
                let head = await state.repository.branchHead(branch)
            else {
                throw APIError.notFound("Branch")
            }
            let commit = await commitDetails(head, in: state.repository)
            return .json(200, branchJSON(branch, commit: commit, in: state.project))

        case .createPipeline(let id):
            let state = try lookUpProject(id)
            guard let ref = parameters["ref"], !ref.isEmpty else { throw APIError.missing("ref") }
            guard let sha = await state.repository.resolveBranchOrTag(ref) else {
                throw APIError(response: .json(400, ["message": ["base": ["Reference not found"]]]))
            }
            guard
                let pipeline = await startPipeline(
                    projectID: state.project.id, ref: ref, sha: sha, beforeSha: FakeGitRepository.zeroSha,
                    source: "api", user: botUsername, variables: variables
                )
            else { throw APIError.notFound("Project") }
            return .json(201, pipelineJSON(pipeline, in: state.project))

        case .listPipelines(let id):
            let state = try lookUpProject(id)
            let list = state.pipelines.reversed().filter { pipeline in
                [
                    ("ref", pipeline.ref), ("sha", pipeline.sha), ("status", pipeline.status),
                    ("source", pipeline.source),
                ]
                .allSatisfy { key, value in parameters[key] == nil || parameters[key] == value }
            }
            return .json(200, .array(list.map { pipelineJSON($0, in: state.project) }))

        case .listPipelineVariables(let id, let pipelineID):
            let state = try lookUpProject(id)
            guard let index = state.pipelineIndex(pipelineID) else { throw APIError.recordNotFound }
            let variables = state.pipelines[index].variables.sorted { $0.key < $1.key }
            return .json(
                200,
                .array(
                    variables.map {
                        ["key": .string($0.key), "value": .string($0.value), "variable_type": "env_var"] as JSON
                    }))

        case .getPipeline(let id, let pipelineID):
            let state = try lookUpProject(id)
            guard let index = state.pipelineIndex(pipelineID) else { throw APIError.recordNotFound }
            return .json(200, pipelineJSON(state.pipelines[index], in: state.project))

        case .cancelPipeline(let id, let pipelineID):
            let state = try lookUpProject(id)
            guard let pipeline = cancelPipeline(id: pipelineID, projectID: state.project.id) else {
                throw APIError.recordNotFound
            }
            return .json(200, pipelineJSON(pipeline, in: state.project))

        case .updateNote(let id, let iid, let noteID):
            let state = try lookUpProject(id)
            guard let body = parameters["body"], !body.isEmpty else { throw APIError.missing("body") }
            guard let note = editNote(projectID: state.project.id, iid: iid, noteID: noteID, body: body),
                let mergeRequest = projects[state.project.id]?.mergeRequests[iid]
            else { throw APIError.recordNotFound }
            return .json(200, noteJSON(note, on: mergeRequest))

        case .listEnvironments(let id):
            let state = try lookUpProject(id)
            return .json(200, .array(environmentsMatching(parameters, in: state).map(environmentJSON)))

        case .stopEnvironment(let id, let environmentID):
            let state = try lookUpProject(id)
            guard let environment = stopEnvironment(projectID: state.project.id, id: environmentID) else {
                throw APIError.notFound("Environment")
            }
            return .json(200, environmentJSON(environment))

        case .listUsers:
            // Only users the fake has seen exist; an unknown username lists nobody, as GitLab does.
            guard let username = parameters["username"], users[username] != nil else { return .json(200, []) }
            return .json(200, [userJSON(username)])

        case .getMember(let id, let userID):
            _ = try lookUpProject(id)
            guard let member = users.values.first(where: { $0.id == userID }) else { throw APIError.notFound("") }
            let level = accessLevels[member.username] ?? 30
            guard level > 0 else { throw APIError.notFound("") }
            guard case .object(let fields) = userJSON(member.username) else { throw APIError.recordNotFound }
            return .json(200, .object(fields + [JSON.Field(key: "access_level", value: .int(level))]))
        }
    }

    private func branchJSON(_ branch: String, commit: GitCommit, in project: FakeProject) -> JSON {
        [
            "name": .string(branch),
            "merged": false,
            "protected": .bool(branch == project.defaultBranch),
            "default": .bool(branch == project.defaultBranch),
            "developers_can_push": false,
            "developers_can_merge": false,
            "can_push": true,
            "web_url": .string("\(webURL(project))/-/tree/\(branch)"),
            "commit": [
                "id": .string(commit.id),
                "short_id": .string(String(commit.id.prefix(8))),
                "title": .string(commit.title),
                "message": .string(commit.message),
                "author_name": .string(commit.authorName),
                "author_email": .string(commit.authorEmail),
                "authored_date": .string(commit.timestamp),
                "web_url": .string(commitURL(project, sha: commit.id)),
            ],
        ]
    }

    /// One page of a list, as `page` and `per_page` (20 by default, at most 100) ask.
    static func page<T>(_ items: [T], _ parameters: [String: String]) -> ArraySlice<T> {
        let size = min(100, max(1, parameters["per_page"].flatMap(Int.init) ?? 20))
        let page = max(1, parameters["page"].flatMap(Int.init) ?? 1)
        let start = min(items.count, (page - 1) * size)
        return items[start..<min(items.count, start + size)]
    }
}

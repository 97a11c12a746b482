import Foundation

/// Setting up projects and acting on them as a GitLab user would.
extension FakeGitLab {
    /// Creates a project with a bare repository whose default branch holds one commit with `files`.
    ///
    /// The first commit is put in place without running the post-receive hook: it makes no
    /// webhook delivery and no pipeline.
    /// - Parameter path: `group/app` or `app`; each part may hold letters, digits, `.`, `_` and `-`.
    @discardableResult
    public func createProject(path: String, defaultBranch: String = "main", files: [String: String]) async throws
        -> FakeProject
    {
        guard Self.isValidProjectPath(path) else { throw FakeGitLabError.invalidName(path) }
        guard let transport = hookTransport else { throw FakeGitLabError.noHookTransport }
        try validate(files: files)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let rootGit = GitCommand(directory: root, home: home, scratch: scratch)
        guard await FakeGitRepository.isValidBranchName(defaultBranch, using: rootGit) else {
            throw FakeGitLabError.invalidName(defaultBranch)
        }
        // Check and reserve the path and id with no suspension in between, so concurrent calls cannot collide.
        guard projectID(path: path) == nil else { throw FakeGitLabError.projectExists(path) }
        let id = (projects.keys.max() ?? 0) + 1
        let gitDir = root.appendingPathComponent("repos/\(path).git", isDirectory: true)
        let repository = FakeGitRepository(
            gitDir: gitDir, git: GitCommand(directory: gitDir, home: home, scratch: scratch))
        let work = root.appendingPathComponent("work/\(id)", isDirectory: true)
        let gitURL = URL(fileURLWithPath: gitDir.path, isDirectory: false)
        let workClone = FakeWorkClone(
            directory: work, remote: gitURL, git: GitCommand(directory: work, home: home, scratch: scratch))
        let project = FakeProject(id: id, path: path, gitURL: gitURL, defaultBranch: defaultBranch)
        projects[id] = FakeProjectState(
            project: project, repository: repository, workClone: workClone, createdAt: Date())
        do {
            try await repository.initialize(defaultBranch: defaultBranch)
            try repository.installPostReceiveHook(
                PostReceiveHook.script(projectID: id, portFile: portFile, transport: transport))
            try await workClone.initialize()
            let sha = try await workClone.commit(files: files, parentRef: nil, message: "Initial commit\n", author: nil)
            try await workClone.seed(sha, as: defaultBranch, into: repository)
        } catch {
            projects[id] = nil
            throw error
        }
        return project
    }

    /// Creates branch `sourceBranch` from the head of `targetBranch` with one commit changing `files`
    /// (pushed by `author` through the post-receive hook, so it makes a push hook and a `push` pipeline),
    /// then opens merge request `iid` for it, sets `refs/merge-requests/<iid>/head` and delivers a
    /// Merge Request Hook with action `open`.
    /// - Returns: The new merge request's iid (1, 2, ... per project).
    public func createMergeRequest(
        project: String,
        sourceBranch: String,
        targetBranch: String = "main",
        title: String,
        files: [String: String],
        author: String = "alice"
    ) async throws -> Int {
        let state = try await readyForPush(project, branch: sourceBranch, files: files)
        guard await state.repository.branchHead(targetBranch) != nil else {
            throw FakeGitLabError.branchNotFound(project: project, branch: targetBranch)
        }
        guard await state.repository.branchHead(sourceBranch) == nil else {
            throw FakeGitLabError.branchExists(project: project, branch: sourceBranch)
        }
        let sha = try await state.workClone.commit(
            files: files, parentRef: "refs/heads/\(targetBranch)", message: title + "\n", author: author
        )
        try await state.workClone.push(sha, to: sourceBranch, pusher: author, options: [])
        let commit = await commitDetails(sha, in: state.repository)
        let id = state.project.id
        guard let iid = projects[id]?.nextMergeRequestIID else { throw FakeGitLabError.projectNotFound(project) }
        projects[id]?.nextMergeRequestIID += 1
        let mergeRequestID = nextMergeRequestID
        nextMergeRequestID += 1
        try await state.repository.updateRef("refs/merge-requests/\(iid)/head", to: sha)
        let now = Date()
        let mergeRequest = FakeMergeRequest(
            id: mergeRequestID, iid: iid, projectID: id, title: title, sourceBranch: sourceBranch,
            targetBranch: targetBranch, author: author, state: "opened", sha: commit.id, mergeCommitSha: nil,
            comments: [], approvedBy: [], createdAt: now, updatedAt: now, mergedAt: nil, closedAt: nil
        )
        projects[id]?.mergeRequests[iid] = mergeRequest
        deliverMergeRequestHook(mergeRequest, action: "open", by: author)
        return iid
    }

    /// A human push: commits `files` on top of `branch` (or of the default branch, creating `branch`)
    /// in the fake's work clone and runs `git push`, so the post-receive hook reports it like any push.
    ///
    /// Returns once the hook has been handled: merge request updates and merges are recorded and
    /// their webhooks queued.
    /// - Parameters:
    ///   - author: Commit author and pusher (`GL_USERNAME` for the hook).
    ///   - pushOptions: Sent with `--push-option`, such as `ci.skip`.
    /// - Returns: The new head of `branch`.
    @discardableResult
    public func push(
        project: String,
        branch: String,
        files: [String: String],
        message: String,
        author: String = "alice",
        pushOptions: [String] = []
    ) async throws -> String {
        let state = try await readyForPush(project, branch: branch, files: files)
        let exists = await state.repository.branchHead(branch) != nil
        let parent = "refs/heads/\(exists ? branch : state.project.defaultBranch)"
        let sha = try await state.workClone.commit(
            files: files, parentRef: parent, message: message + "\n", author: author)
        try await state.workClone.push(sha, to: branch, pusher: author, options: pushOptions)
        return sha
    }

    /// Adds a comment to a merge request and delivers a Note Hook (`noteable_type` `MergeRequest`).
    /// - Returns: The note id, or `nil` when there is no such merge request.
    @discardableResult
    public func comment(project: String, iid: Int, body: String, author: String = "alice") -> Int? {
        addNote(projectPath: project, iid: iid, body: body, author: author)?.id
    }

    /// Closes an open merge request and delivers a Merge Request Hook with action `close`.
    /// - Returns: Whether the merge request was open.
    @discardableResult
    public func closeMergeRequest(project: String, iid: Int, author: String = "alice") -> Bool {
        changeState(project: project, iid: iid, from: "opened", to: "closed", action: "close", author: author)
    }

    /// Reopens a closed merge request and delivers a Merge Request Hook with action `reopen`.
    /// - Returns: Whether the merge request was closed.
    @discardableResult
    public func reopenMergeRequest(project: String, iid: Int, author: String = "alice") -> Bool {
        changeState(project: project, iid: iid, from: "closed", to: "opened", action: "reopen", author: author)
    }

    /// Approves a merge request and delivers a Merge Request Hook with action `approved`.
    /// - Returns: Whether the merge request exists.
    @discardableResult
    public func approveMergeRequest(project: String, iid: Int, author: String = "bob") -> Bool {
        guard let id = projectID(path: project), var mergeRequest = projects[id]?.mergeRequests[iid] else {
            return false
        }
        mergeRequest.approvedBy.append(author)
        mergeRequest.updatedAt = Date()
        projects[id]?.mergeRequests[iid] = mergeRequest
        deliverMergeRequestHook(mergeRequest, action: "approved", by: author)
        return true
    }

    // MARK: - Helpers

    func requireProject(_ path: String) throws -> FakeProjectState {
        guard let id = projectID(path: path), let state = projects[id] else {
            throw FakeGitLabError.projectNotFound(path)
        }
        return state
    }

    /// Records a note by `author` on a merge request and delivers its Note Hook.
    func addNote(projectPath: String, iid: Int, body: String, author: String) -> FakeNote? {
        guard let id = projectID(path: projectPath), var mergeRequest = projects[id]?.mergeRequests[iid] else {
            return nil
        }
        let note = FakeNote(id: nextNoteID, body: body, author: author, createdAt: Date())
        nextNoteID += 1
        mergeRequest.comments.append(note)
        mergeRequest.updatedAt = note.createdAt
        projects[id]?.mergeRequests[iid] = mergeRequest
        deliverNoteHook(note, on: mergeRequest)
        return note
    }

    private func changeState(project: String, iid: Int, from: String, to: String, action: String, author: String)
        -> Bool
    {
        guard let id = projectID(path: project), var mergeRequest = projects[id]?.mergeRequests[iid],
            mergeRequest.state == from
        else { return false }
        mergeRequest.state = to
        mergeRequest.updatedAt = Date()
        mergeRequest.closedAt = to == "closed" ? mergeRequest.updatedAt : nil
        projects[id]?.mergeRequests[iid] = mergeRequest
        deliverMergeRequestHook(mergeRequest, action: action, by: author, previousState: from)
        return true
    }

    private func validate(files: [String: String]) throws {
        for path in files.keys {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            let valid =
                !path.isEmpty && !path.contains("\n") && !path.contains("\0") && !path.contains("\t")
                && parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." && $0 != ".git" }
            guard valid else { throw FakeGitLabError.invalidName(path) }
        }
    }

    static func isValidProjectPath(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return !parts.isEmpty
            && parts.allSatisfy { part in
                guard let first = part.first, first != ".", first != "-", !part.hasSuffix(".git") else { return false }
                return part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
            }
    }
}

extension FakeGitLab {
    /// The project's state, once the fake runs, the files are acceptable and `branch` is a valid
    /// branch name: what every push-like setup call checks first.
    func readyForPush(_ project: String, branch: String, files: [String: String]) async throws -> FakeProjectState {
        let state = try requireProject(project)
        guard isRunning else { throw FakeGitLabError.notStarted }
        try validate(files: files)
        guard await FakeGitRepository.isValidBranchName(branch, using: state.repository.git) else {
            throw FakeGitLabError.invalidName(branch)
        }
        return state
    }
}

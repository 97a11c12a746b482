import Foundation
import TrainyardCore
import TrainyardEngine

/// Git and forge ports that record what the engine asked for and answer from a script, for
/// testing the engine's own decisions (routing, retries, failures). The real adapters are
/// exercised end to end in `trainyardTests`.
actor RecordingPorts: GitPort, ForgePort {
    var calls: [String] = []
    var failures: [String: [any Error]] = [:]
    var mergeRequests: [Int: MergeRequestInfo] = [:]
    var target = SHA(String(repeating: "1", count: 40))
    var nextPipeline = 1
    var accessLevels: [Int: Int] = [:]

    func setAccessLevel(_ level: Int, for user: Int) { accessLevels[user] = level }

    func accessLevel(project: ProjectSettings, userID: Int) async throws -> Int {
        try record("accessLevel")
        return accessLevels[userID] ?? 30
    }

    func failNext(_ call: String, with errors: [any Error]) { failures[call, default: []] += errors }
    func setMergeRequest(_ info: MergeRequestInfo) { mergeRequests[info.number] = info }

    private func record(_ call: String) throws {
        calls.append(call)
        if var queued = failures[call], !queued.isEmpty {
            let error = queued.removeFirst()
            failures[call] = queued
            throw error
        }
    }

    func targetHead(project: ProjectSettings, target: String) async throws -> SHA {
        try record("targetHead")
        return self.target
    }

    /// The commit each car branch was last built at, so a pipeline runs on its branch's commit.
    var builtRefs: [String: SHA] = [:]

    func buildCar(project: ProjectSettings, ref: String, base: SHA, changes: [Change]) async throws -> CarBuild {
        try record("buildCar")
        let commit = SHA(String(repeating: "c", count: 39) + "\(changes.count % 10)")
        builtRefs[ref] = commit
        return .built(commit)
    }

    func land(project: ProjectSettings, target: String, commit: SHA, expected: SHA) async throws -> Landing {
        try record("land")
        self.target = commit
        return .landed
    }

    func deleteBranch(project: ProjectSettings, branch: String) async throws { try record("deleteBranch") }

    /// The changes each `maintain` was told to keep, per project path.
    var maintained: [String: Set<Int>] = [:]

    func maintain(project: ProjectSettings, keeping changes: Set<Int>) async throws -> Int {
        try record("maintain")
        maintained[project.key.path] = changes
        return 0
    }

    /// Forge user ids by username, for chat users.
    var userIDs: [String: Int] = [:]
    func setUserID(_ id: Int, for username: String) { userIDs[username] = id }

    func userID(project: ProjectSettings, username: String) async throws -> Int? {
        try record("userID")
        return userIDs[username]
    }

    func mergeRequest(project: ProjectSettings, number: Int) async throws -> MergeRequestInfo {
        try record("mergeRequest")
        guard let info = mergeRequests[number] else { throw PermanentError("404 Not found") }
        return info
    }

    func createPipeline(project: ProjectSettings, ref: String, commit: SHA) async throws -> (id: PipelineID, sha: SHA) {
        try record("createPipeline")
        defer { nextPipeline += 1 }
        return (PipelineID(nextPipeline), builtRefs[ref] ?? SHA(String(repeating: "c", count: 39) + "1"))
    }

    func cancelPipeline(project: ProjectSettings, pipeline: PipelineID) async throws { try record("cancelPipeline") }

    var pipelineStates: [Int: String] = [:]
    func setPipelineState(_ status: String, for id: Int) { pipelineStates[id] = status }

    func pipeline(project: ProjectSettings, id: PipelineID) async throws -> (status: String, sha: SHA) {
        try record("pipeline")
        return (pipelineStates[id.value] ?? "running", SHA(String(repeating: "c", count: 39) + "1"))
    }

    func setStatus(project: ProjectSettings, sha: SHA, state: CommitState, description: String) async throws {
        try record("setStatus:\(state.rawValue)")
    }

    func comment(project: ProjectSettings, number: Int, body: String, key: String) async throws {
        try record("comment:\(body)")
    }

    /// Comments on each change, as the forge lists them to the reconciler.
    var listedComments: [Int: [CommentSnapshot]] = [:]
    func addListedComment(_ comment: CommentSnapshot, on number: Int) {
        listedComments[number, default: []].append(comment)
    }

    func openMergeRequests(project: ProjectSettings, target: String, since: Instant?) async throws -> [ChangeSnapshot] {
        try record("openMergeRequests")
        return mergeRequests.values.filter { $0.state == "opened" && $0.target == target }.sorted {
            $0.number < $1.number
        }
        .map { ChangeSnapshot(number: $0.number, head: $0.head, target: $0.target, updatedAt: Instant(seconds: 0)) }
        .map { snapshot in
            var snapshot = snapshot
            snapshot.updatedAt = listedComments[snapshot.number]?.map(\.createdAt).max() ?? Instant(seconds: 0)
            return snapshot
        }
    }

    func comments(project: ProjectSettings, number: Int, since: Instant) async throws -> [CommentSnapshot] {
        try record("comments")
        return (listedComments[number] ?? []).filter { $0.createdAt >= since }
    }
}

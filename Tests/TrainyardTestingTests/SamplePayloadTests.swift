import Foundation
import Testing
import TrainyardTesting

/// The published GitLab webhook samples, read from `../shared/webhooks/gitlab` beside the package.
enum GitLabSamples {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("shared/webhooks/gitlab")

    static var available: Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent("push_hook.json").path)
    }

    static func load(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

/// Checks that every key of `ours` appears in GitLab's sample (unless listed in `extras`) with the
/// same kind of value, and that the keys a consumer needs are there.
func expectShape(
    _ ours: Any?, like sample: Any?, required: [String], extras: Set<String> = [], context: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let ours = ours as? [String: Any], let sample = sample as? [String: Any] else {
        Issue.record("\(context): not an object on both sides", sourceLocation: sourceLocation)
        return
    }
    func kind(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        default: return "number or bool"
        }
    }
    for (key, value) in ours {
        guard let sampleValue = sample[key] else {
            if !extras.contains(key) {
                Issue.record("\(context).\(key) is not in GitLab's sample", sourceLocation: sourceLocation)
            }
            continue
        }
        if !(value is NSNull), !(sampleValue is NSNull), kind(value) != kind(sampleValue) {
            Issue.record(
                "\(context).\(key) is a \(kind(value)), GitLab's is a \(kind(sampleValue))",
                sourceLocation: sourceLocation)
        }
    }
    for key in required where ours[key] == nil {
        Issue.record("\(context).\(key) is missing", sourceLocation: sourceLocation)
    }
}

@Suite(.enabled(if: GitLabSamples.available, "the GitLab samples in ../shared/webhooks/gitlab are not there"))
struct SamplePayloadTests {
    let project = TestEnvironment.project
    let projectKeys = ["id", "path_with_namespace", "git_http_url", "web_url", "default_branch"]

    @Test func payloadsUseGitLabsFieldNames() async throws {
        try await TestEnvironment.run { env in
            let iid = try await env.gitlab.createMergeRequest(
                project: project, sourceBranch: "f", title: "F", files: ["f": "f\n"])
            await env.gitlab.comment(project: project, iid: iid, body: "hello")
            try await waitUntil { await env.receiver.log.actions(event: "Pipeline Hook").contains("success") }
            await env.gitlab.waitForDeliveries()
            let log = env.receiver.log

            let mergeRequest = try #require(await log.hooks(event: "Merge Request Hook").first).json()
            let mergeRequestSample = try GitLabSamples.load("merge_request_hook_open.json")
            expectShape(
                mergeRequest, like: mergeRequestSample,
                required: ["object_kind", "event_type", "user", "project", "object_attributes"],
                context: "merge request hook")
            expectShape(
                mergeRequest["project"], like: mergeRequestSample["project"], required: projectKeys,
                context: "merge request hook project")
            expectShape(
                mergeRequest["object_attributes"], like: mergeRequestSample["object_attributes"],
                required: [
                    "id", "iid", "title", "state", "action", "source_branch", "target_branch", "last_commit", "url",
                ],
                extras: ["merge_commit_sha", "oldrev"], context: "merge request hook object_attributes"
            )
            let attributes = mergeRequest["object_attributes"] as? [String: Any]
            let sampleAttributes = mergeRequestSample["object_attributes"] as? [String: Any]
            expectShape(
                attributes?["last_commit"], like: sampleAttributes?["last_commit"], required: ["id", "message"],
                context: "last_commit")

            let note = try #require(await log.hooks(event: "Note Hook").first).json()
            let noteSample = try GitLabSamples.load("note_hook_merge_request.json")
            expectShape(
                note, like: noteSample,
                required: ["object_kind", "user", "project", "object_attributes", "merge_request"], context: "note hook"
            )
            expectShape(
                note["object_attributes"], like: noteSample["object_attributes"], required: ["note", "noteable_type"],
                context: "note hook object_attributes")
            expectShape(
                note["merge_request"], like: noteSample["merge_request"],
                required: ["iid", "target_branch", "source_branch", "state", "last_commit"], extras: ["url"],
                context: "note hook merge_request"
            )

            let push = try #require(await log.hooks(event: "Push Hook").first).json()
            let pushSample = try GitLabSamples.load("push_hook.json")
            expectShape(
                push, like: pushSample,
                required: [
                    "before", "after", "ref", "checkout_sha", "commits", "total_commits_count", "project_id", "project",
                ],
                extras: ["message"], context: "push hook"
            )
            // `ci_config_path` is in the merge request sample's project, not in the push sample's.
            expectShape(
                push["project"], like: pushSample["project"], required: projectKeys, extras: ["ci_config_path"],
                context: "push hook project"
            )
            expectShape(
                (push["commits"] as? [Any])?.first, like: (pushSample["commits"] as? [Any])?.first,
                required: ["id", "message", "timestamp", "author", "added", "modified", "removed"],
                context: "push hook commit"
            )

            let pipeline = try #require(await log.hooks(event: "Pipeline Hook").last).json()
            let pipelineSample = try GitLabSamples.load("pipeline_hook.json")
            expectShape(
                pipeline, like: pipelineSample,
                required: ["object_kind", "object_attributes", "merge_request", "project", "commit", "builds"],
                context: "pipeline hook"
            )
            expectShape(
                pipeline["object_attributes"], like: pipelineSample["object_attributes"],
                required: [
                    "id", "iid", "ref", "tag", "sha", "before_sha", "source", "status", "detailed_status", "created_at",
                    "finished_at", "duration",
                ],
                extras: ["queued_duration", "detailed_status"], context: "pipeline hook object_attributes"
            )
            expectShape(
                pipeline["project"], like: pipelineSample["project"], required: projectKeys,
                context: "pipeline hook project")
            expectShape(
                pipeline["commit"], like: pipelineSample["commit"], required: ["id", "message"], extras: ["title"],
                context: "pipeline hook commit"
            )
        }
    }
}

import Foundation
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardForges

/// Webhook verification and decoding, against GitLab's published sample payloads.
struct GitLabWebhookVerifierTests {
    static let verifier = GitLabWebhookVerifier(forge: "gitlab", secret: "s3cret-token")
    /// The published samples (`../shared/webhooks/gitlab` beside the checkout, else under `/work/shared`).
    static let samples: URL = {
        let beside = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/webhooks/gitlab")
        let fixed = URL(fileURLWithPath: "/work/shared/webhooks/gitlab")
        return FileManager.default.fileExists(atPath: beside.path) ? beside : fixed
    }()
    static var samplesAvailable: Bool { FileManager.default.fileExists(atPath: samples.path) }

    static func headers(_ values: [String: String]) -> (String) -> String? {
        { name in values.first { $0.key.lowercased() == name.lowercased() }?.value }
    }

    static func decode(_ event: String, _ body: Data, extra: [String: String] = [:]) throws(IntakeError) -> Delivery {
        var values = ["X-Gitlab-Event": event, "X-Gitlab-Event-UUID": "uuid-1"]
        values.merge(extra) { _, new in new }
        return try verifier.decode(header: headers(values), body: body)
    }

    @Test(arguments: [("s3cret-token", true), ("s3cret-tokeN", false), ("s3cret", false), ("", false)])
    func authenticatesTheTokenExactly(token: String, accepted: Bool) {
        let result = Result { () throws(IntakeError) in
            try Self.verifier.authenticate(header: Self.headers(["X-Gitlab-Token": token]))
        }
        #expect(((try? result.get()) != nil) == accepted)
    }

    @Test func missingTokenSaysWhatToConfigure() {
        do {
            try Self.verifier.authenticate(header: { _ in nil })
            Issue.record("expected a refusal")
        } catch {
            #expect(error.status == 401 && error.message.contains("webhook_secret"))
        }
    }

    @Test func constantTimeComparisonIsExact() {
        #expect(ConstantTime.equals("abc", "abc"))
        #expect(!ConstantTime.equals("abc", "abd"))
        #expect(!ConstantTime.equals("abc", "abcd"))
        #expect(!ConstantTime.equals("", "a"))
    }

    @Test(
        .enabled(if: samplesAvailable, "../shared/webhooks/gitlab is not there"),
        arguments: [
            ("merge_request_hook_open.json", "Merge Request Hook"), ("note_hook_merge_request.json", "Note Hook"),
            ("push_hook.json", "Push Hook"), ("pipeline_hook.json", "Pipeline Hook"),
            ("job_hook_build.json", "Job Hook"),
            ("deployment_hook.json", "Deployment Hook"), ("system_hook_push.json", "System Hook"),
            ("system_hook_repository_update.json", "System Hook"), ("system_hook_project_create.json", "System Hook"),
        ])
    func publishedSamplesDecodeOrAreIgnored(file: String, event: String) throws {
        let body = try Data(contentsOf: Self.samples.appendingPathComponent(file))
        let delivery = try Self.decode(event, body)
        switch (event, delivery.event) {
        case ("Merge Request Hook", .mergeRequest(let request)):
            #expect(request.number == 1 && request.action == .open && request.target == "master")
            #expect(request.project.path == "gitlabhq/gitlab-test")
        case ("Note Hook", .comment(let comment)):
            #expect(comment.number == 1 && comment.author == "root" && !comment.body.isEmpty)
            #expect(comment.commentID == 1244)
            #expect(delivery.key == "comment:1244", "keyed by the note, as the reconciler's replay of it is")
        case ("Push Hook", .push(let push)):
            #expect(push.branch == "master" && push.after?.value == "da1560886d4f094c3e6c9ef40349f7d38b5d27d7")
        case ("Pipeline Hook", .pipeline(let pipeline)):
            #expect(pipeline.pipeline == PipelineID(31) && pipeline.status == "success" && pipeline.ref == "master")
            #expect(pipeline.scheduled == nil, "its one variable is not a schedule's")
        case ("Deployment Hook", .deployment(let deployment)):
            #expect(deployment.environment == "staging" && deployment.status == "success")
            #expect(deployment.externalURL == "https://staging.example.com")
        case (_, .ignored):
            #expect(!["Merge Request Hook", "Note Hook", "Push Hook", "Pipeline Hook"].contains(event))
        default:
            Issue.record("\(file) decoded as \(delivery.event)")
        }
    }

    @Test(arguments: [
        (#"[{"key":"TRAINYARD_SCHEDULE","value":"nightly"},{"key":"TRAINYARD_SCHEDULE_SLOT","value":"slot@1"}]"#, true),
        (#"[{"key":"TRAINYARD_SCHEDULE","value":"nightly"}]"#, false),
        (#"[{"key":"TRAINYARD_SCHEDULE","value":null},{"key":"TRAINYARD_SCHEDULE_SLOT","value":"slot@1"}]"#, false),
        ("[]", false),
    ])
    func aScheduledPipelineIsKnownByItsVariables(variables: String, marked: Bool) throws {
        let body = Data(
            #"{"object_kind":"pipeline","project":{"path_with_namespace":"g/a"},"object_attributes":{"id":9,"ref":"main","sha":"\#(String(repeating: "a", count: 40))","status":"failed","source":"api","variables":\#(variables)}}"#
                .utf8)
        guard case .pipeline(let pipeline) = try Self.decode("Pipeline Hook", body).event else {
            Issue.record("expected a pipeline")
            return
        }
        #expect(pipeline.scheduled == (marked ? ScheduledPipelineMark(schedule: "nightly", claim: "slot@1") : nil))
    }

    @Test(.enabled(if: samplesAvailable, "../shared/webhooks/gitlab is not there"))
    func publishedJobSampleAsPrintedIsRefusedAsMalformed() throws {
        let body = try Data(contentsOf: Self.samples.appendingPathComponent("job_hook_build.doc.jsonc"))
        #expect(throws: IntakeError.self) { _ = try Self.decode("Job Hook", body) }
    }

    @Test func deliveryKeyPrefersIdempotencyKeyThenEventUUID() throws {
        let body = Data(#"{"object_kind":"x"}"#.utf8)
        #expect(try Self.decode("Other Hook", body, extra: ["Idempotency-Key": "idem"]).key == "idem")
        #expect(try Self.decode("Other Hook", body, extra: ["X-Gitlab-Webhook-UUID": "hook"]).key == "uuid-1/hook")
        let fingerprint = try Self.verifier.decode(
            header: Self.headers(["X-Gitlab-Event": "Other Hook"]), body: body
        ).key
        #expect(fingerprint.hasPrefix("body-"))
    }

    @Test func editedCommentsGiveNoCommandsAndAuthorIDsAreRead() throws {
        func note(_ action: String) -> Data {
            Data(
                #"{"user":{"id":7,"username":"al"},"project":{"path_with_namespace":"g/a"},"merge_request":{"iid":3},"object_attributes":{"note":"@trainyard merge","noteable_type":"MergeRequest","action":"\#(action)"}}"#
                    .utf8)
        }
        guard case .comment(let comment) = try Self.decode("Note Hook", note("create")).event else {
            Issue.record("expected a comment")
            return
        }
        #expect(comment.authorID == 7 && comment.author == "al" && comment.number == 3)
        guard case .ignored = try Self.decode("Note Hook", note("update")).event else {
            Issue.record("an edited comment must not give commands")
            return
        }
    }

    @Test func deletedBranchAndTagPushesAreHandled() throws {
        let deleted = Data(
            #"{"ref":"refs/heads/gone","after":"0000000000000000000000000000000000000000","project":{"path_with_namespace":"g/a"}}"#
                .utf8)
        guard case .push(let push) = try Self.decode("Push Hook", deleted).event else {
            Issue.record("expected a push")
            return
        }
        #expect(push.after == nil)
        let tag = Data(
            #"{"ref":"refs/tags/v1","after":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","project":{"path_with_namespace":"g/a"}}"#
                .utf8)
        #expect(try Self.decode("Push Hook", tag).event == .ignored(kind: "Push Hook for refs/tags/v1"))
    }

    /// A body of a kind Trainyard ignores is checked for JSON without being parsed into objects,
    /// and what is stored about it is capped.
    @Test func ignoredKindsAreCheckedNotParsed() throws {
        let wide = Data(("[" + Array(repeating: "{\"a\":1}", count: 200_000).joined(separator: ",") + "]").utf8)
        #expect(try Self.decode("Emoji Hook", wide).event == .ignored(kind: "Emoji Hook"))
        #expect(throws: IntakeError.self) { try Self.decode("Emoji Hook", Data("[1,".utf8)) }
        let longRef = Data(
            #"{"ref":"refs/tags/\#(String(repeating: "v", count: 5000))","after":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","project":{"path_with_namespace":"g/a"}}"#
                .utf8)
        guard case .ignored(let kind) = try Self.decode("Push Hook", longRef).event else {
            Issue.record("expected an ignored push")
            return
        }
        #expect(kind.utf8.count < 300)
    }
}

import Foundation
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardForges

/// GitHub webhook verification and decoding, against GitHub's published samples and test vector.
struct GitHubWebhookVerifierTests {
    static let secret = "It's a Secret to Everybody"
    static let verifier = GitHubWebhookVerifier(forge: "github", secret: secret)
    /// The published samples (`../shared/webhooks/github` beside the checkout, else under `/work/shared`).
    static let samples: URL = {
        let beside = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/webhooks/github")
        let fixed = URL(fileURLWithPath: "/work/shared/webhooks/github")
        return FileManager.default.fileExists(atPath: beside.path) ? beside : fixed
    }()
    static var samplesAvailable: Bool { FileManager.default.fileExists(atPath: samples.path) }

    static func headers(_ values: [String: String]) -> (String) -> String? {
        { name in values.first { $0.key.lowercased() == name.lowercased() }?.value }
    }

    /// A delivery signed as GitHub signs it.
    static func decode(_ event: String, _ body: Data, delivery: String? = "guid-1") throws(IntakeError) -> Delivery {
        var values = [
            "X-GitHub-Event": event,
            "X-Hub-Signature-256": GitHubWebhookVerifier.signature(of: body, secret: secret),
        ]
        values["X-GitHub-Delivery"] = delivery
        try verifier.authenticate(header: headers(values))
        return try verifier.decode(header: headers(values), body: body)
    }

    @Test(.enabled(if: samplesAvailable, "../shared/webhooks/github is not there"))
    func gitHubsPublishedTestVectorPasses() throws {
        let vector = try JSONDecoder().decode(
            [String: String].self,
            from: Data(contentsOf: Self.samples.appendingPathComponent("signature_test_vector.json")))
        let payload = Data(try #require(vector["payload"]).utf8)
        #expect(
            GitHubWebhookVerifier.signature(of: payload, secret: try #require(vector["secret"]))
                == vector["X-Hub-Signature-256"])
        let verifier = GitHubWebhookVerifier(forge: "github", secret: try #require(vector["secret"]))
        let header = Self.headers([
            "X-Hub-Signature-256": try #require(vector["X-Hub-Signature-256"]), "X-GitHub-Event": "ping",
            "X-GitHub-Delivery": "d-1",
        ])
        try verifier.authenticate(header: header)
        // The vector's payload is not JSON, so it passes the signature and is then refused as malformed.
        #expect {
            _ = try verifier.decode(header: header, body: payload)
        } throws: { ($0 as? IntakeError)?.code == "malformed_json" }
    }

    @Test(arguments: [
        ([:], "missing_signature"),
        (["X-Hub-Signature-256": "sha1=abc"], "invalid_signature"),
        (["X-Hub-Signature-256": "sha256=" + String(repeating: "g", count: 64)], "invalid_signature"),
        (["X-Hub-Signature-256": "sha256=" + String(repeating: "0", count: 63)], "invalid_signature"),
    ])
    func unsignedOrMalformedSignaturesAreRefusedBeforeTheBody(headers: [String: String], code: String) {
        #expect {
            try Self.verifier.authenticate(header: Self.headers(headers))
        } throws: { error in
            let error = error as? IntakeError
            return error?.status == 401 && error?.code == code && error?.message.isEmpty == false
        }
    }

    @Test func aWrongSignatureOrAnAlteredBodyIsRefused() {
        let body = Data(#"{"zen":"x"}"#.utf8)
        let signature = GitHubWebhookVerifier.signature(of: body, secret: "another secret")
        let header = Self.headers(["X-Hub-Signature-256": signature, "X-GitHub-Event": "ping"])
        #expect {
            _ = try Self.verifier.decode(header: header, body: body)
        } throws: { error in
            let error = error as? IntakeError
            return error?.status == 401 && error?.message.contains("webhook_secret") == true
        }
        let good = GitHubWebhookVerifier.signature(of: body, secret: Self.secret)
        let altered = Data(#"{"zen":"y"}"#.utf8)
        #expect(throws: IntakeError.self) {
            _ = try Self.verifier.decode(
                header: Self.headers(["X-Hub-Signature-256": good, "X-GitHub-Event": "ping"]), body: altered)
        }
        let upper = Self.headers([
            "X-Hub-Signature-256": good.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="),
            "X-GitHub-Event": "ping",
        ])
        #expect((try? Self.verifier.decode(header: upper, body: body)) != nil, "hex digits in either case")
    }

    @Test func theDeliveryIDIsTheKeyAndARedeliveryKeepsIt() throws {
        let body = Data(#"{"zen":"x"}"#.utf8)
        #expect(
            try Self.decode("ping", body, delivery: "72d3162e-cc78-11e3-81ab-4c9367dc0958").key
                == "72d3162e-cc78-11e3-81ab-4c9367dc0958")
        #expect(try Self.decode("ping", body, delivery: nil).key.hasPrefix("body-"))
        #expect(throws: IntakeError.self) {
            try Self.decode("ping", body, delivery: String(repeating: "d", count: 201))
        }
        #expect(throws: IntakeError.self) { try Self.decode("", body) }
        #expect(throws: IntakeError.self) { try Self.decode(String(repeating: "e", count: 101), body) }
    }

    @Test(
        .enabled(if: samplesAvailable, "../shared/webhooks/github is not there"),
        arguments: [
            "ping.json", "pull_request_opened.json", "pull_request_synchronize.json",
            "pull_request_closed_unmerged.json",
            "pull_request_labeled.json", "pull_request_review_submitted.json", "issue_comment_created_on_issue.json",
            "push_new_branch.json", "check_run_completed.json", "check_suite_completed.json", "status.json",
            "workflow_run_completed.json", "merge_group_checks_requested.json",
        ])
    func publishedSamplesDecodeOrAreIgnoredOnPurpose(file: String) throws {
        let body = try Data(contentsOf: Self.samples.appendingPathComponent(file))
        let kind =
            file.hasPrefix("pull_request_review")
            ? "pull_request_review"
            : file.hasPrefix("pull_request")
                ? "pull_request"
                : file.hasPrefix("issue_comment")
                    ? "issue_comment"
                    : file.hasPrefix("push")
                        ? "push"
                        : file.hasPrefix("check_run")
                            ? "check_run"
                            : file.hasPrefix("check_suite")
                                ? "check_suite"
                                : file.hasPrefix("workflow_run")
                                    ? "workflow_run"
                                    : file.hasPrefix("merge_group")
                                        ? "merge_group"
                                        : file.hasPrefix("status") ? "status" : "ping"
        let event = try Self.decode(kind, body).event
        let head = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
        let repository = ProjectKey(forge: "github", path: "Codertocat/Hello-World")
        switch (file, event) {
        case ("pull_request_opened.json", .mergeRequest(let request)):
            #expect(
                request
                    == MergeRequestEvent(
                        project: repository, number: 2, action: .open, head: SHA(head), target: "master",
                        state: "opened"))
        case ("pull_request_synchronize.json", .mergeRequest(let request)):
            #expect(request.action == .update && request.head == SHA(head))
        case ("pull_request_closed_unmerged.json", .mergeRequest(let request)):
            #expect(request.action == .close && request.state == "closed")
        case ("pull_request_labeled.json", .mergeRequest(let request)):
            #expect(request.action == .other)
        case ("pull_request_review_submitted.json", .mergeRequest(let request)):
            #expect(request.action == .other, "a review that only comments is not an approval")
            #expect(request.number == 2)
        case ("issue_comment_created_on_issue.json", .ignored(let kind)):
            #expect(kind == "issue_comment on an issue")
        case ("push_new_branch.json", .push(let push)):
            #expect(push.branch == "master" && push.after == SHA("6113728f27ae82c7b1a177c8d03f9e96e0adf246"))
        case ("check_run_completed.json", .check(let check)):
            #expect(
                check
                    == CheckEvent(
                        project: repository, sha: SHA(head), branches: ["changes"], name: "Octocoders-linter",
                        outcome: .passed))
        case ("check_suite_completed.json", .check(let check)):
            #expect(check.sha == SHA(head) && check.branches == ["changes"] && check.outcome == .passed)
        case ("status.json", .check(let check)):
            #expect(
                check.name == "default" && check.outcome == .passed
                    && check.branches == ["master", "changes", "gh-pages"])
        case ("workflow_run_completed.json", .check(let check)):
            #expect(check.branches == ["master"] && check.outcome == .passed)
        case ("merge_group_checks_requested.json", .ignored(let kind)):
            #expect(kind.contains("GitHub's own merge queue"))
        case ("ping.json", .ignored(let kind)):
            #expect(kind == "ping")
        default:
            Issue.record("\(file) decoded as \(event)")
        }
    }

    static func pullRequest(action: String, merged: Bool = false, extra: String = "") -> Data {
        Data(
            """
            {"action":"\(action)","number":5,\(extra)"pull_request":{"number":5,"state":"\(merged || action == "closed" ? "closed" : "open")",\
            "merged":\(merged),"draft":false,"head":{"ref":"feature","sha":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7"},\
            "base":{"ref":"main","sha":"6113728f27ae82c7b1a177c8d03f9e96e0adf246"}},"repository":{"full_name":"o/r"}}
            """.utf8)
    }

    @Test(arguments: [
        ("opened", false, MergeRequestEvent.Action.open, "main"), ("reopened", false, .reopen, "main"),
        ("synchronize", false, .update, "main"), ("closed", false, .close, "main"), ("closed", true, .merge, "main"),
        ("ready_for_review", false, .other, "main"), ("converted_to_draft", false, .other, "main"),
    ])
    func pullRequestActions(action: String, merged: Bool, expected: MergeRequestEvent.Action, target: String) throws {
        guard
            case .mergeRequest(let request) = try Self.decode(
                "pull_request", Self.pullRequest(action: action, merged: merged)
            ).event
        else {
            Issue.record("expected a merge request event")
            return
        }
        #expect(request.action == expected && request.target == target && request.number == 5)
        #expect(request.state == (merged ? "merged" : action == "closed" ? "closed" : "opened"))
    }

    @Test func aNewBaseTakesTheChangeOffTheOldTargetsTrain() throws {
        let moved = Self.pullRequest(action: "edited", extra: #""changes":{"base":{"ref":{"from":"release"}}},"#)
        guard case .mergeRequest(let request) = try Self.decode("pull_request", moved).event else {
            Issue.record("expected a merge request event")
            return
        }
        #expect(request.action == .close && request.target == "release")
        let retitled = Self.pullRequest(action: "edited", extra: #""changes":{"title":{"from":"old"}},"#)
        #expect(
            try Self.decode("pull_request", retitled).event
                == .ignored(kind: "pull_request (edited): only a new base matters"))
    }

    @Test func commentsOnPullRequestsGiveCommandsAndEditsDoNot() throws {
        func comment(_ action: String) -> Data {
            Data(
                #"{"action":"\#(action)","issue":{"number":9,"pull_request":{"url":"x"}},"comment":{"body":"@trainyard merge","user":{"login":"al","id":7}},"repository":{"full_name":"o/r"}}"#
                    .utf8)
        }
        #expect(
            try Self.decode("issue_comment", comment("created")).event
                == .comment(
                    CommentEvent(
                        project: ProjectKey(forge: "github", path: "o/r"), number: 9, author: "al", authorID: 7,
                        body: "@trainyard merge")))
        guard case .ignored = try Self.decode("issue_comment", comment("edited")).event else {
            Issue.record("an edited comment must not give commands")
            return
        }
    }

    @Test func anApprovingReviewIsAnApproval() throws {
        let body = Data(
            #"{"action":"submitted","review":{"state":"APPROVED"},"pull_request":{"number":5,"state":"open","head":{"ref":"f","sha":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7"},"base":{"ref":"main","sha":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7"}},"repository":{"full_name":"o/r"}}"#
                .utf8)
        guard case .mergeRequest(let request) = try Self.decode("pull_request_review", body).event else {
            Issue.record("expected a merge request event")
            return
        }
        #expect(request.action == .approved)
    }

    @Test(arguments: [
        ("pull_request", #"{"action":"opened"}"#, "missing_field"),
        ("pull_request", #"{"action":"opened","number":1,"pull_request":{"number":"one"}}"#, "invalid_field"),
        (
            "check_run",
            #"{"check_run":{"name":"b","head_sha":"nope","status":"completed"},"repository":{"full_name":"o/r"}}"#,
            "invalid_field"
        ),
        ("push", "{", "malformed_json"),
        ("fork", "[1,", "malformed_json"),
    ])
    func malformedBodiesSayWhatIsWrong(kind: String, body: String, code: String) {
        #expect {
            _ = try Self.decode(kind, Data(body.utf8))
        } throws: { error in
            let error = error as? IntakeError
            return error?.status == 400 && error?.code == code
        }
    }

    @Test func deletedBranchesAndTagsArePushesOrIgnored() throws {
        let deleted = Data(
            #"{"ref":"refs/heads/gone","after":"0000000000000000000000000000000000000000","deleted":true,"repository":{"full_name":"o/r"}}"#
                .utf8)
        #expect(
            try Self.decode("push", deleted).event
                == .push(PushEvent(project: ProjectKey(forge: "github", path: "o/r"), branch: "gone", after: nil)))
        let tag = Data(
            #"{"ref":"refs/tags/v1","after":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","repository":{"full_name":"o/r"}}"#
                .utf8)
        #expect(try Self.decode("push", tag).event == .ignored(kind: "push for refs/tags/v1"))
    }
}

import Foundation
import Testing
import TrainyardTesting

/// Bad, duplicated and replayed input at the HTTP door, and the REST API, against the running
/// service.
@Suite(.serialized)
struct IntakeEndToEndTests {
    static func noteBody(iid: Int, note: String) -> Data {
        let body: [String: Any] = [
            "object_kind": "note", "user": ["username": "alice"],
            "project": ["path_with_namespace": ServiceHarness.project],
            "object_attributes": ["note": note, "noteable_type": "MergeRequest"], "merge_request": ["iid": iid],
        ]
        return try! JSONSerialization.data(withJSONObject: body)
    }

    static func hookHeaders(
        _ event: String = "Note Hook", token: String = ServiceHarness.webhookSecret, uuid: String = UUID().uuidString
    )
        -> [String: String]
    {
        [
            "Content-Type": "application/json", "X-Gitlab-Event": event, "X-Gitlab-Token": token,
            "X-Gitlab-Event-UUID": uuid,
        ]
    }

    func deliveryCount(_ harness: ServiceHarness) async throws -> Int {
        let answer = try await harness.request(
            "GET", "api/v1/deliveries", headers: ["Authorization": "Bearer \(ServiceHarness.apiToken)"])
        return (answer.json["deliveries"] as? [Any])?.count ?? -1
    }

    @Test func duplicateDeliveryIsAcknowledgedAndAppliedOnce() async throws {
        try await ServiceHarness.run(policy: { _ in nil }) { harness in
            let iid = try await harness.openMergeRequest("dup", ["d.txt": "d\n"])
            await harness.gitlab.comment(project: ServiceHarness.project, iid: iid, body: "/merge")
            try await harness.waitForNote(iid, containing: "Added !\(iid)")
            await harness.gitlab.waitForDeliveries()
            let original = try #require(
                await harness.gitlab.deliveries().last {
                    $0.event == "Note Hook" && $0.body.contains("/merge".utf8.first!)
                }
            )
            await harness.gitlab.redeliver(original)
            let redelivered = try #require(await harness.gitlab.deliveries().last)
            #expect(redelivered.isRedelivery && redelivered.statusCode == 200)
            let headers = Self.hookHeaders(uuid: "manual-replay")
            let body = Self.noteBody(iid: iid, note: "/merge")
            let first = try await harness.request("POST", "webhooks/gitlab", headers: headers, body: body)
            let replay = try await harness.request("POST", "webhooks/gitlab", headers: headers, body: body)
            #expect(first.status == 202 && replay.status == 200)
            #expect(replay.json["status"] as? String == "duplicate")
            try await harness.waitForNote(iid, containing: "already on the merge train")
            let notes = await harness.mergeRequest(iid)?.notes ?? []
            #expect(notes.filter { $0.contains("Added !\(iid)") }.count == 1)
            #expect(
                notes.filter { $0.contains("already on the merge train") }.count == 1,
                "the replayed delivery was not applied")
        }
    }

    @Test(arguments: [
        (["X-Gitlab-Token": "wrong-secret-value"], 401, "invalid_token"),
        ([:], 401, "missing_token"),
    ])
    func wrongOrMissingTokenIsRefusedAndNothingIsStored(headers: [String: String], status: Int, code: String)
        async throws
    {
        try await ServiceHarness.run { harness in
            let before = try await deliveryCount(harness)
            var all = [
                "Content-Type": "application/json", "X-Gitlab-Event": "Note Hook",
                "X-Gitlab-Event-UUID": UUID().uuidString,
            ]
            all.merge(headers) { _, new in new }
            let answer = try await harness.request(
                "POST", "webhooks/gitlab", headers: all, body: Self.noteBody(iid: 1, note: "/merge"))
            #expect(answer.status == status)
            let error = try #require(answer.json["error"] as? [String: Any])
            #expect(error["code"] as? String == code)
            #expect((error["message"] as? String)?.contains("webhook_secret") == true)
            #expect(try await deliveryCount(harness) == before)
        }
    }

    @Test(arguments: [
        (Data("{not json".utf8), "Note Hook", "malformed_json"),
        (
            Data(#"{"object_kind":"note","project":{"path_with_namespace":"group/app"}}"#.utf8), "Note Hook",
            "missing_field"
        ),
        (
            Data(
                #"{"project":{"path_with_namespace":"g/a"},"object_attributes":{"id":1,"ref":"x","sha":"nope","status":"success"}}"#
                    .utf8),
            "Pipeline Hook", "invalid_field"
        ),
        (Data([0xff, 0xfe, 0x00]), "Push Hook", "malformed_json"),
        (Data("[{\"a\":1},".utf8), "Emoji Hook", "malformed_json"),
        (Data(String(repeating: "[", count: 600).utf8), "Feature Flag Hook", "malformed_json"),
        (Data("{}".utf8), String(repeating: "Hook ", count: 30), "invalid_event"),
    ])
    func malformedBodiesAreRefusedWithTheProblemNamed(body: Data, event: String, code: String) async throws {
        try await ServiceHarness.run { harness in
            let before = try await deliveryCount(harness)
            let answer = try await harness.request(
                "POST", "webhooks/gitlab", headers: Self.hookHeaders(event), body: body)
            #expect(answer.status == 400)
            let error = try #require(answer.json["error"] as? [String: Any])
            #expect(error["code"] as? String == code)
            #expect(try await deliveryCount(harness) == before, "nothing is half-stored")
        }
    }

    @Test func missingFieldNamesItsPath() async throws {
        try await ServiceHarness.run { harness in
            let body = Data(
                #"{"project":{"path_with_namespace":"group/app"},"object_attributes":{"iid":1,"target_branch":"main","state":"opened"}}"#
                    .utf8)
            let answer = try await harness.request(
                "POST", "webhooks/gitlab", headers: Self.hookHeaders("Merge Request Hook"), body: body)
            let message = (answer.json["error"] as? [String: Any])?["message"] as? String
            #expect(answer.status == 400)
            #expect(message?.contains("object_attributes.last_commit") == true)
        }
    }

    @Test func oversizedBodyIsRefused() async throws {
        try await ServiceHarness.run { harness in
            let body = Data(repeating: 0x20, count: 6 * 1024 * 1024)
            let answer = try await harness.request("POST", "webhooks/gitlab", headers: Self.hookHeaders(), body: body)
            #expect(answer.status == 413)
            #expect((answer.json["error"] as? [String: Any])?["code"] as? String == "body_too_large")
        }
    }

    @Test func otherEventsAreAcceptedAndRecordedAsIgnored() async throws {
        try await ServiceHarness.run { harness in
            let answer = try await harness.request(
                "POST", "webhooks/gitlab", headers: Self.hookHeaders("Deployment Hook"),
                body: Data(#"{"object_kind":"deployment"}"#.utf8))
            #expect(answer.status == 202)
            let unknown = try await harness.request(
                "POST", "webhooks/gitea", headers: Self.hookHeaders(), body: Data("{}".utf8))
            #expect(unknown.status == 404)
        }
    }

    @Test func restAPIQueuesAndDequeuesWithABearerToken() async throws {
        try await ServiceHarness.run(policy: { _ in nil }) { harness in
            let iid = try await harness.openMergeRequest("api", ["api.txt": "api\n"])
            let path = "api/v1/projects/group%2Fapp/merge_requests/\(iid)/enqueue"
            let auth = ["Authorization": "Bearer \(ServiceHarness.apiToken)", "X-Trainyard-User": "carol"]
            let unauthorized = try await harness.request("POST", path, headers: ["Authorization": "Bearer nope"])
            #expect(unauthorized.status == 401)
            let unknown = try await harness.request(
                "POST", "api/v1/projects/other%2Fthing/merge_requests/1/enqueue", headers: auth)
            #expect(unknown.status == 404)
            let badIID = try await harness.request(
                "POST", "api/v1/projects/group%2Fapp/merge_requests/-3/enqueue", headers: auth)
            #expect(badIID.status == 400)
            let queued = try await harness.request("POST", path, headers: auth)
            #expect(queued.status == 202)
            try await harness.waitForNote(iid, containing: "Added !\(iid)")
            let trains = try await harness.request("GET", "api/v1/trains", headers: auth)
            let train = try #require((trains.json["trains"] as? [[String: Any]])?.first)
            #expect((train["queue"] as? [[String: Any]])?.first?["number"] as? Int == iid)
            let removed = try await harness.request("DELETE", path, headers: auth)
            #expect(removed.status == 202)
            try await harness.waitForNote(iid, containing: "by carol (API)")
        }
    }

    @Test func pausedTrainHoldsItsCarsUntilResumedThroughTheAPI() async throws {
        try await ServiceHarness.run { harness in
            let auth = ["Authorization": "Bearer \(ServiceHarness.apiToken)", "X-Trainyard-User": "ops"]
            let pausePath = "api/v1/projects/group%2Fapp/targets/main/pause"
            let badBody = try await harness.request("POST", pausePath, headers: auth, body: Data("[1]".utf8))
            #expect(badBody.status == 400)
            let paused = try await harness.request(
                "POST", pausePath, headers: auth, body: Data(#"{"reason":"release freeze"}"#.utf8))
            #expect(paused.status == 202)
            let iid = try await harness.openMergeRequest("frozen", ["frozen.txt": "f\n"])
            await harness.gitlab.comment(project: ServiceHarness.project, iid: iid, body: "@trainyard merge")
            try await harness.waitForNote(iid, containing: "The train is paused (release freeze)")
            let trains = try await harness.request("GET", "api/v1/trains", headers: auth)
            let train = try #require((trains.json["trains"] as? [[String: Any]])?.first)
            #expect((train["paused"] as? [String: String])?["by"] == "ops (API)")
            #expect(
                await harness.gitlab.pipelines(project: ServiceHarness.project).filter { $0.source == "api" }.isEmpty)
            let resumed = try await harness.request("DELETE", pausePath, headers: auth)
            #expect(resumed.status == 202)
            try await harness.waitFor(iid, state: "merged")
            let unknownTarget = try await harness.request(
                "POST", "api/v1/projects/group%2Fapp/targets/nope/pause", headers: auth)
            #expect(unknownTarget.status == 202, "accepted, then recorded as not managed")
        }
    }

    @Test func enqueueBodyCarriesPriorityAndIsValidated() async throws {
        try await ServiceHarness.run(policy: { _ in nil }) { harness in
            let auth = ["Authorization": "Bearer \(ServiceHarness.apiToken)"]
            let first = try await harness.openMergeRequest("low", ["low.txt": "l\n"])
            let urgent = try await harness.openMergeRequest("urgent", ["urgent.txt": "u\n"])
            let path = { (iid: Int) in "api/v1/projects/group%2Fapp/merge_requests/\(iid)/enqueue" }
            #expect(try await harness.request("POST", path(first), headers: auth).status == 202)
            try await harness.waitForNote(first, containing: "Added !\(first)")
            for bad in [#"{"priority":"high"}"#, #"{"priority":5000}"#, "not json"] {
                let answer = try await harness.request("POST", path(urgent), headers: auth, body: Data(bad.utf8))
                #expect(answer.status == 400)
                #expect((answer.json["error"] as? [String: Any])?["code"] as? String == "invalid_body")
            }
            let queued = try await harness.request(
                "POST", path(urgent), headers: auth, body: Data(#"{"priority":10}"#.utf8))
            #expect(queued.status == 202)
            try await harness.waitForNote(urgent, containing: "at position 1 of 2")
        }
    }

    /// `"interrupt": false`: a skip-line merge request goes right behind the changes the running
    /// cars hold, and no pipeline is cancelled for it.
    @Test func skipLineWithoutInterruptKeepsTheRunningPipelines() async throws {
        try await ServiceHarness.run(planner: .prefix, policy: { _ in nil }) { harness in
            let auth = ["Authorization": "Bearer \(ServiceHarness.apiToken)"]
            let running = try await harness.openMergeRequest("running", ["r.txt": "r\n"])
            let hotfix = try await harness.openMergeRequest("hotfix", ["h.txt": "h\n"])
            let path = { (iid: Int) in "api/v1/projects/group%2Fapp/merge_requests/\(iid)/enqueue" }
            #expect(try await harness.request("POST", path(running), headers: auth).status == 202)
            let gitlab = harness.gitlab
            try await waitUntil {
                await gitlab.pipelines(project: ServiceHarness.project).contains {
                    $0.source == "api" && $0.status == "running"
                }
            }
            let invalid = try await harness.request(
                "POST", path(hotfix), headers: auth, body: Data(#"{"skip_line":true,"interrupt":"no"}"#.utf8))
            #expect(invalid.status == 400)
            let queued = try await harness.request(
                "POST", path(hotfix), headers: auth, body: Data(#"{"skip_line":true,"interrupt":false}"#.utf8))
            #expect(queued.status == 202)
            try await harness.waitForNote(hotfix, containing: "without interrupting the cars in flight")
            try await harness.waitForNote(hotfix, containing: "at position 2 of 2")
            try await waitUntil {
                await gitlab.pipelines(project: ServiceHarness.project).filter { $0.source == "api" }.count == 2
            }
            let pipelines = await gitlab.pipelines(project: ServiceHarness.project).filter { $0.source == "api" }
            #expect(pipelines.allSatisfy { $0.status == "running" }, "the first car's pipeline was not cancelled")
        }
    }
}

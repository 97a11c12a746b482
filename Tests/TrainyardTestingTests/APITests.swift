import Foundation
import Testing
import TrainyardTesting

@Suite struct APITests {
    let project = TestEnvironment.project

    @Test func authenticationIsRequired() async throws {
        try await TestEnvironment.run { env in
            let anonymous = try await env.api("GET", "/projects/1", token: nil)
            #expect(anonymous.status == 401)
            #expect(try anonymous.object()["message"] as? String == "401 Unauthorized")
            #expect(try await env.api("GET", "/projects/1", token: "wrong").status == 401)
            let bearer = try await env.api(
                "GET", "/projects/1", token: nil, headers: ["Authorization": "Bearer fake-api-token"])
            #expect(bearer.status == 200)
            #expect(try await env.api("GET", "/projects/1").status == 200)
            let log = await env.gitlab.requestLog()
            #expect(log.map(\.status) == [401, 401, 200, 200])
            #expect(log.allSatisfy { $0.method == "GET" && $0.path == "/api/v4/projects/1" })
        }
    }

    @Test func projectsAreFoundByIdOrEncodedPath() async throws {
        try await TestEnvironment.run { env in
            let byPath = try await env.api("GET", "/projects/group%2Fapp")
            #expect(byPath.status == 200)
            let json = try byPath.object()
            #expect(json["id"] as? Int == 1)
            #expect(json["path"] as? String == "app")
            #expect(json["name"] as? String == "app")
            #expect(json["path_with_namespace"] as? String == project)
            #expect(json["default_branch"] as? String == "main")
            let gitURL = try #require(await env.gitlab.project(project)).gitURL
            #expect(json["http_url_to_repo"] as? String == gitURL.absoluteString)
            #expect(json["web_url"] as? String == env.gitlab.baseURL.absoluteString + "/group/app")
            let missing = try await env.api("GET", "/projects/nobody%2Fnothing")
            #expect(missing.status == 404)
            #expect(try missing.object()["message"] as? String == "404 Project Not Found")
            #expect(try await env.api("GET", "/projects/1/no-such-thing").status == 404)
        }
    }

    @Test func mergeRequestsAndNotes() async throws {
        try await TestEnvironment.run { env in
            let iid = try await env.gitlab.createMergeRequest(
                project: project, sourceBranch: "feature", title: "Feature", files: ["f.txt": "f\n"]
            )
            let sha = try #require(await env.gitlab.mergeRequest(project: project, iid: iid)).sha
            let response = try await env.api("GET", "/projects/group%2Fapp/merge_requests/\(iid)")
            #expect(response.status == 200)
            let json = try response.object()
            #expect(json["iid"] as? Int == iid)
            #expect(json["project_id"] as? Int == 1)
            #expect(json["state"] as? String == "opened")
            #expect(json["sha"] as? String == sha)
            #expect(json["source_branch"] as? String == "feature")
            #expect((json["author"] as? [String: Any])?["username"] as? String == "alice")
            #expect(json["merge_commit_sha"] is NSNull)
            let missing = try await env.api("GET", "/projects/1/merge_requests/42")
            #expect(missing.status == 404)
            #expect(try missing.object()["message"] as? String == "404 Not found")

            let note = try await env.api(
                "POST", "/projects/1/merge_requests/\(iid)/notes", body: #"{"body":"Merged by the train"}"#)
            #expect(note.status == 201)
            let noteJSON = try note.object()
            #expect(noteJSON["body"] as? String == "Merged by the train")
            #expect(noteJSON["noteable_type"] as? String == "MergeRequest")
            #expect(noteJSON["noteable_iid"] as? Int == iid)
            #expect((noteJSON["author"] as? [String: Any])?["username"] as? String == "trainyard-bot")
            let form = try await env.api(
                "POST", "/projects/1/merge_requests/\(iid)/notes", body: "body=second+note%21",
                contentType: "application/x-www-form-urlencoded"
            )
            #expect(try form.object()["body"] as? String == "second note!")
            let query = try await env.api("POST", "/projects/1/merge_requests/\(iid)/notes?body=third")
            #expect(query.status == 201)
            let empty = try await env.api("POST", "/projects/1/merge_requests/\(iid)/notes", body: "{}")
            #expect(empty.status == 400)
            #expect(try empty.object()["error"] as? String == "body is missing")
            #expect(
                await env.gitlab.mergeRequest(project: project, iid: iid)?.notes == [
                    "Merged by the train", "second note!", "third",
                ])

            try await waitUntil { await env.receiver.log.hooks(event: "Note Hook").count == 3 }
            let hook = try #require(await env.receiver.log.hooks(event: "Note Hook").first).json()
            #expect((hook["user"] as? [String: Any])?["username"] as? String == "trainyard-bot")
        }
    }

    @Test func commitStatusesFollowGitLabTransitions() async throws {
        try await TestEnvironment.run { env in
            let sha = try #require(await env.gitlab.branchHead(project: project, branch: "main"))
            let path = "/projects/group%2Fapp/statuses/\(sha)"
            let pending = try await env.api(
                "POST", path, body: #"{"state":"pending","name":"trainyard","description":"queued"}"#)
            #expect(pending.status == 201)
            let pendingJSON = try pending.object()
            #expect(pendingJSON["status"] as? String == "pending")
            #expect(pendingJSON["name"] as? String == "trainyard")
            #expect(pendingJSON["sha"] as? String == sha)
            #expect(pendingJSON["ref"] as? String == "main")
            let pendingAgain = try await env.api("POST", path, body: #"{"state":"pending","name":"trainyard"}"#)
            #expect(pendingAgain.status == 400)
            #expect(
                try (pendingAgain.object()["message"] as? String)?.hasPrefix(
                    "Cannot transition status via :enqueue from :pending") == true)

            let running = try await env.api(
                "POST", path + "?state=running&context=trainyard&target_url=http%3A%2F%2Fci%2F1", body: nil
            )
            #expect(running.status == 201)
            #expect(try running.object()["id"] as? Int == (try pending.object()["id"] as? Int))
            let runningAgain = try await env.api(
                "POST", path, body: "state=running&name=trainyard", contentType: "application/x-www-form-urlencoded"
            )
            #expect(runningAgain.status == 400)
            #expect(
                try runningAgain.object()["message"] as? String
                    == #"Cannot transition status via :run from :running (Reason(s): Status cannot transition via "run")"#
            )
            #expect(try await env.api("POST", path, body: #"{"state":"success","name":"trainyard"}"#).status == 201)
            #expect(try await env.api("POST", path, body: #"{"state":"success","name":"trainyard"}"#).status == 201)
            let other = try await env.api(
                "POST", path, body: #"{"state":"failed","name":"other","description":"boom"}"#)
            #expect(other.status == 201)

            let invalid = try await env.api("POST", path, body: #"{"state":"exploded"}"#)
            #expect(invalid.status == 400)
            #expect(try await env.api("POST", path, body: #"{"name":"x"}"#).status == 400)
            let unknown = try await env.api(
                "POST", "/projects/1/statuses/\(String(repeating: "a", count: 40))", body: #"{"state":"pending"}"#)
            #expect(unknown.status == 404)
            #expect(try unknown.object()["message"] as? String == "404 Commit Not Found")

            let statuses = await env.gitlab.statuses(project: project, sha: sha)
            #expect(statuses.map(\.state) == ["pending", "running", "success", "success", "failed"])
            #expect(statuses.map(\.name) == ["trainyard", "trainyard", "trainyard", "trainyard", "other"])
            #expect(statuses[1].targetURL == "http://ci/1")
            #expect(statuses[1].description == "queued")
            #expect(statuses[4].description == "boom")
            let listed = try await env.api("GET", "/projects/1/repository/commits/\(sha)/statuses")
            #expect(try listed.array().count == 3)
        }
    }

    @Test func injectedFailuresAnswerBeforeAnythingElse() async throws {
        try await TestEnvironment.run { env in
            await env.gitlab.injectFailures(count: 2, status: 429, retryAfter: 7)
            let first = try await env.api("GET", "/projects/1", token: nil)
            #expect(first.status == 429)
            #expect(first.headers["retry-after"] == "7")
            #expect(first.text == "Retry later\n")
            #expect(try await env.api("GET", "/projects/1").status == 429)
            #expect(try await env.api("GET", "/projects/1").status == 200)
            await env.gitlab.injectFailures(count: 1, status: 500)
            let failed = try await env.api("POST", "/projects/1/merge_requests/1/notes", body: #"{"body":"x"}"#)
            #expect(failed.status == 500)
            #expect(try failed.object()["message"] as? String == "500 Internal Server Error")
            #expect(failed.headers["retry-after"] == nil)
            #expect(await env.gitlab.requestLog().map(\.status) == [429, 429, 200, 500])
        }
    }
}

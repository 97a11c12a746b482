import Foundation
import Testing
import TrainyardTesting

@Suite struct PipelineTests {
    let project = TestEnvironment.project

    @Test func apiPipelineRunsThePolicyAndDeliversHooks() async throws {
        try await TestEnvironment.run { env in
            let sha = try #require(await env.gitlab.branchHead(project: project, branch: "main"))
            let created = try await env.api("POST", "/projects/group%2Fapp/pipeline", body: #"{"ref":"main"}"#)
            #expect(created.status == 201)
            let json = try created.object()
            let id = try #require(json["id"] as? Int)
            #expect(json["iid"] as? Int == 1)
            #expect(json["project_id"] as? Int == 1)
            #expect(json["sha"] as? String == sha)
            #expect(json["ref"] as? String == "main")
            #expect(json["source"] as? String == "api")
            #expect(json["status"] as? String == "pending")
            #expect((json["web_url"] as? String)?.hasSuffix("/group/app/-/pipelines/\(id)") == true)

            try await waitUntil { await env.gitlab.pipelines(project: project).first?.status == "success" }
            try await waitUntil {
                await env.receiver.log.actions(event: "Pipeline Hook") == ["pending", "running", "success"]
            }
            let hook = try #require(await env.receiver.log.hooks(event: "Pipeline Hook").last).json()
            #expect(hook["object_kind"] as? String == "pipeline")
            #expect(hook["merge_request"] is NSNull)
            #expect((hook["builds"] as? [Any])?.isEmpty == true)
            #expect((hook["commit"] as? [String: Any])?["id"] as? String == sha)
            #expect((hook["project"] as? [String: Any])?["path_with_namespace"] as? String == project)
            let attributes = try #require(hook["object_attributes"] as? [String: Any])
            #expect(attributes["id"] as? Int == id)
            #expect(attributes["ref"] as? String == "main")
            #expect(attributes["tag"] as? Bool == false)
            #expect(attributes["sha"] as? String == sha)
            #expect(attributes["source"] as? String == "api")
            #expect(attributes["status"] as? String == "success")
            #expect(attributes["detailed_status"] as? String == "passed")
            #expect(attributes["duration"] as? Int != nil)
            #expect(attributes["finished_at"] as? String != nil)

            let fetched = try await env.api("GET", "/projects/1/pipelines/\(id)")
            #expect(try fetched.object()["status"] as? String == "success")
            let missing = try await env.api("POST", "/projects/1/pipeline", body: #"{"ref":"nope"}"#)
            #expect(missing.status == 400)
            #expect(missing.text == #"{"message":{"base":["Reference not found"]}}"#)
            #expect(try await env.api("GET", "/projects/1/pipelines/999").status == 404)
        }
    }

    @Test func defaultPolicyFailsCommitsWithAFailFile() async throws {
        try await TestEnvironment.run { env in
            try await env.gitlab.push(
                project: project, branch: "broken", files: ["FAIL": "x\n"], message: "Break", pushOptions: ["ci.skip"])
            #expect(await env.gitlab.pipelines(project: project).isEmpty)
            let created = try await env.api("POST", "/projects/1/pipeline?ref=broken")
            #expect(created.status == 201)
            try await waitUntil { await env.gitlab.pipelines(project: project).first?.status == "failed" }
        }
    }

    @Test func policyCanReadFilesOrLeavePipelinesRunning() async throws {
        try await TestEnvironment.run { env in
            await env.gitlab.setCIPolicy { job in
                switch job.file("ci.txt") {
                case "fail\n": return .failed
                case "hold\n": return nil
                default: return .success(after: .milliseconds(1))
                }
            }
            try await env.gitlab.push(project: project, branch: "held", files: ["ci.txt": "hold\n"], message: "Hold")
            try await env.gitlab.push(project: project, branch: "doomed", files: ["ci.txt": "fail\n"], message: "Doom")
            try await env.gitlab.push(
                project: project, branch: "other", files: ["ci.txt": "hold\n"], message: "Hold too")
            let pipelines = await env.gitlab.pipelines(project: project)
            #expect(pipelines.map(\.source) == ["push", "push", "push"])
            #expect(pipelines.map(\.ref) == ["held", "doomed", "other"])
            try await waitUntil { await env.gitlab.pipelines(project: project)[1].status == "failed" }
            #expect(await env.gitlab.pipelines(project: project)[0].status == "running")

            await env.gitlab.finishPipeline(project: project, id: pipelines[0].id, status: "success")
            #expect(await env.gitlab.pipelines(project: project)[0].status == "success")
            let canceled = try await env.api("POST", "/projects/1/pipelines/\(pipelines[2].id)/cancel")
            #expect(canceled.status == 200)
            #expect(try canceled.object()["status"] as? String == "canceled")
            let again = try await env.api("POST", "/projects/1/pipelines/\(pipelines[0].id)/cancel")
            #expect(try again.object()["status"] as? String == "success")
            try await waitUntil {
                await env.receiver.log.actions(event: "Pipeline Hook").filter {
                    ["success", "failed", "canceled"].contains($0)
                }.count == 3
            }
        }
    }
}

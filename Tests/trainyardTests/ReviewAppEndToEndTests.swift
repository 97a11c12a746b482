import Foundation
import Testing
import TrainyardGit
import TrainyardTesting

#if canImport(Glibc)
    import Glibc
#endif
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The review-app lifecycle through the real binary, the fake GitLab (pipelines that deploy and
/// stop environments as a `.gitlab-ci.yml` would, the environments API, notes edited in place)
/// and a local app checked in real Chromium, its address reported by the Deployment Hook: an orphan environment is stopped by the first sweep;
/// opening a merge request deploys, checks and reports it; a push that changes the look is caught;
/// closing the merge request stops its app. A test clock 60 times faster keeps the sweeps short.
@Suite(.serialized)
struct ReviewAppEndToEndTests {
    static let secret = "review-app-webhook-secret"
    static let project = "group/app"

    @Test func aMergeRequestsAppIsDeployedCheckedReportedAndStopped() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-review-\(UUID())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let gitlab = FakeGitLab(root: root.appendingPathComponent("gitlab"))
        try await gitlab.start()
        let app = FakeReviewApp()
        try await app.start()
        let repository = try await gitlab.createProject(path: Self.project, files: ["README.md": "hi\n"]).gitURL
        await gitlab.plantEnvironment(project: Self.project, name: "review/mr-77", url: "https://gone.example.com")
        // No `url:` template: the address comes from the deploy job, through the Deployment Hook.
        await gitlab.setReviewEnvironmentURL(await app.url(""))
        let port = FreePort.pick()
        let config = root.appendingPathComponent("trainyard.yml").path
        try """
        listen: 127.0.0.1:\(port)
        storage: sqlite:\(root.path)/data/trainyard.db
        public_url: http://127.0.0.1:\(port)
        link_secret: review-app-link-secret-for-tests
        api:
          tokens: [review-app-api-token]
        forges:
          gitlab:
            kind: gitlab
            url: \(gitlab.baseURL.absoluteString)
            token: \(await gitlab.token)
            webhook_secret: \(Self.secret)
        projects:
          - forge: gitlab
            path: \(Self.project)
            targets: [main]
            git_url: \(repository.absoluteString)
            review_apps:
              debounce_seconds: 0
              checks:
                - path: /
                  expect_status: 200
                  expect_selector: "#app"
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let process = TrainyardProcess.start(
            config: config, log: root.appendingPathComponent("trainyard.log").path,
            environment: ["TRAINYARD_CLOCK_RATE": "60"])
        do {
            try await ForgeAudit.waitUntilServing(port)
            await gitlab.addWebhook(
                project: Self.project, url: URL(string: "http://127.0.0.1:\(port)/webhooks/gitlab")!, token: Self.secret
            )
            @Sendable func environment(_ name: String) async -> FakeEnvironment? {
                await gitlab.environments(project: Self.project).first { $0.name == name }
            }
            try await waitUntil(timeout: .seconds(60)) { await environment("review/mr-77")?.state == "stopped" }

            let iid = try await gitlab.createMergeRequest(
                project: Self.project, sourceBranch: "feature", title: "Feature", files: ["feature.txt": "1\n"])
            @Sendable func reviewStatus() async -> FakeCommitStatus? {
                guard let head = await gitlab.mergeRequest(project: Self.project, iid: iid)?.sha else { return nil }
                return await gitlab.statuses(project: Self.project, sha: head).last {
                    $0.name == "trainyard/review-app"
                }
            }
            try await waitUntil(timeout: .seconds(180)) { await reviewStatus()?.state == "success" }
            #expect(await environment("review/mr-1")?.state == "available")
            #expect(await reviewStatus()?.description?.hasPrefix("Review app up: 1 page pass") == true)
            try await waitUntil(timeout: .seconds(30)) {
                await gitlab.mergeRequest(project: Self.project, iid: iid)?.notes.contains { $0.contains("[png](") }
                    == true
            }
            let notes = await gitlab.mergeRequest(project: Self.project, iid: iid)?.notes ?? []
            let note = try #require(notes.first { $0.contains("### Review app") })
            #expect(notes.filter { $0.contains("### Review app") }.count == 1, "one note, edited in place")
            let link = try #require(
                note.firstMatch(of: #/\[png\]\((http://127\.0\.0\.1:\d+/review-apps/files/[^)]+)\)/#)?.output.1)
            let (png, response) = try await URLSession.shared.data(from: URL(string: String(link))!)
            #expect((response as? HTTPURLResponse)?.statusCode == 200 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]))

            // The API shows the app, its figures, and what the first sweep stopped.
            var request = URLRequest(
                url: URL(string: "http://127.0.0.1:\(port)/api/v1/projects/group%2Fapp/review_apps")!)
            request.setValue("Bearer review-app-api-token", forHTTPHeaderField: "Authorization")
            let (listed, _) = try await URLSession.shared.data(for: request)
            let view = try #require(try JSONSerialization.jsonObject(with: listed) as? [String: Any])
            let first = try #require((view["apps"] as? [[String: Any]])?.first)
            #expect(first["mergeRequest"] as? Int == iid && first["state"] as? String == "live")
            #expect(((first["checks"] as? [[String: Any]])?.first?["status"] as? Int) == 200)
            #expect((view["log"] as? [String])?.contains("sweep: stopped review/mr-77") == true, "\(view)")

            await app.setColour("#d62d20")
            try await gitlab.push(
                project: Self.project, branch: "feature", files: ["feature.txt": "2\n"], message: "More")
            try await waitUntil(timeout: .seconds(180)) {
                let status = await reviewStatus()
                return status?.state == "failed" && status?.description?.contains("the look changed") == true
            }
            // The note is edited right after the status is set.
            try await waitUntil(timeout: .seconds(60)) {
                await gitlab.mergeRequest(project: Self.project, iid: iid)?.notes.contains { $0.contains("[diff](") }
                    == true
            }
            let edited = await gitlab.mergeRequest(project: Self.project, iid: iid)?.notes ?? []
            #expect(edited.filter { $0.contains("### Review app") }.count == 1)

            await gitlab.comment(project: Self.project, iid: iid, body: "@trainyard review-app pin")
            try await waitUntil(timeout: .seconds(30)) {
                let notes = await gitlab.mergeRequest(project: Self.project, iid: iid)?.notes ?? []
                return notes.contains { $0.contains("Pinned: kept until unpinned or the merge request closes.") }
            }

            #expect(await gitlab.closeMergeRequest(project: Self.project, iid: iid))
            try await waitUntil(timeout: .seconds(180)) { await environment("review/mr-1")?.state == "stopped" }
            try await waitUntil(timeout: .seconds(30)) {
                let notes = await gitlab.mergeRequest(project: Self.project, iid: iid)?.notes ?? []
                return notes.contains { $0.contains("**Stopped.** Stopped: the merge request was closed.") }
            }
        } catch {
            await process.stop(SIGKILL)
            await app.stop()
            await gitlab.stop()
            throw error
        }
        #expect(await process.terminate(within: .seconds(30)))
        await app.stop()
        await gitlab.stop()
    }
}

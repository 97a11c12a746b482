import Foundation
import Testing
import TrainyardTesting

/// The decision log against the running service: a merge request queued through the API and
/// landed is told step by step by `GET /api/v1/projects/{project}/events`, newest first and paged,
/// and `status` shows its last lines; bad queries get a 4xx that says what was wrong.
struct DecisionLogEndToEndTests {
    static let auth = ["Authorization": "Bearer \(ServiceHarness.apiToken)"]

    @Test func aLandedMergeRequestIsToldStepByStep() async throws {
        let harness = try await ServiceHarness.start()
        try await harness.running { harness in
            let iid = try await harness.openMergeRequest("logged", ["logged.txt": "1\n"])
            let (queued, _) = try await harness.request(
                "POST", "api/v1/projects/group%2Fapp/merge_requests/\(iid)/enqueue", headers: Self.auth)
            #expect(queued == 202)
            try await harness.waitFor(iid, state: "merged")

            let path = "api/v1/projects/group%2Fapp/events?change=\(iid)&target=main"
            @Sendable func kindsNow() async throws -> [String] {
                let (_, page) = try await harness.request("GET", path, headers: Self.auth)
                return (page["events"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            }
            try await waitUntil { try await kindsNow().first == "landed" }
            let kinds = try await kindsNow()
            #expect(Array(kinds.reversed().prefix(3)) == ["queued", "car_built", "pipeline_started"])
            #expect(kinds.contains("passed"))
            let (_, page) = try await harness.request("GET", path, headers: Self.auth)
            let events = page["events"] as? [[String: Any]] ?? []
            let first = try #require(events.last)
            #expect(first["by"] as? String == "the REST API" && (first["at"] as? String)?.hasSuffix("Z") == true)
            #expect(page["next"] == nil, "one page holds them all")

            let (_, small) = try await harness.request(
                "GET", "api/v1/projects/group%2Fapp/events?limit=2", headers: Self.auth)
            let next = try #require(small["next"] as? Int)
            let (_, older) = try await harness.request(
                "GET", "api/v1/projects/group%2Fapp/events?limit=2&before=\(next)", headers: Self.auth)
            let olderIDs = (older["events"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
            #expect(!olderIDs.isEmpty && olderIDs.allSatisfy { $0 < next })

            let (_, later) = try await harness.request(
                "GET", "api/v1/projects/group%2Fapp/events?since=2999-01-01T00:00:00Z", headers: Self.auth)
            #expect((later["events"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(arguments: [
        ("api/v1/projects/group%2Fapp/events?change=abc", 400, "invalid_change"),
        ("api/v1/projects/group%2Fapp/events?change=-3", 400, "invalid_change"),
        ("api/v1/projects/group%2Fapp/events?since=yesterday", 400, "invalid_since"),
        ("api/v1/projects/group%2Fapp/events?before=0", 400, "invalid_cursor"),
        ("api/v1/projects/group%2Fapp/events?target=", 400, "invalid_target"),
        ("api/v1/projects/other%2Fthing/events", 404, "unknown_project"),
    ])
    func badQueriesAreRefusedWithWhatWasWrong(path: String, status: Int, code: String) async throws {
        let harness = try await ServiceHarness.start()
        try await harness.running { harness in
            let (answer, body) = try await harness.request("GET", path, headers: Self.auth)
            #expect(answer == status)
            #expect((body["error"] as? [String: Any])?["code"] as? String == code)
            let (unsigned, _) = try await harness.request("GET", "api/v1/projects/group%2Fapp/events")
            #expect(unsigned == 401)
        }
    }
}

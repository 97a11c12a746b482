import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import TrainyardHTTP

/// `POST /api/v1/projects/{project}/merge_requests/{iid}/review_app/{action}`: bad input is
/// refused with the reason and stores nothing.
struct ReviewAppAPITests {
    @Test(arguments: [
        ("/api/v1/projects/group%2Fapp/merge_requests/12/review_app/deploy", "Bearer token", 409, "review_apps_off"),
        ("/api/v1/projects/group%2Fapp/merge_requests/12/review_app/explode", "Bearer token", 400, "unknown_action"),
        ("/api/v1/projects/group%2Fapp/merge_requests/0/review_app/deploy", "Bearer token", 400, "invalid_iid"),
        ("/api/v1/projects/other%2Fapp/merge_requests/12/review_app/deploy", "Bearer token", 404, "unknown_project"),
        ("/api/v1/projects/group%2Fapp/merge_requests/12/review_app/deploy", "Bearer wrong", 401, "invalid_token"),
        ("/api/v1/projects/group%2Fapp/review_apps", "Bearer token", 409, "review_apps_off"),
    ])
    func badRequestsAreRefusedAndStoreNothing(uri: String, authorization: String, status: Int, code: String)
        async throws
    {
        try await RoutesTests.withApp { client, _, store in
            let response = try await client.execute(
                uri: uri, method: uri.hasSuffix("/review_apps") ? .get : .post, headers: [.authorization: authorization]
            )
            #expect(response.status.code == status, "\(String(buffer: response.body))")
            #expect(String(buffer: response.body).contains(code))
            #expect(try await store.recentDeliveries(limit: 5).isEmpty)
        }
    }
}

import Hummingbird
import TrainyardEngine

/// Counts webhook and chat deliveries by source and outcome, and times their answer.
struct DeliveryMeter: Sendable {
    let metrics: ServiceMetrics

    /// Runs `answer` and records its outcome: `stored` (202), `duplicate` (200 to a webhook),
    /// `answered` (200 to a chat command), or the error code the caller got (`invalid_token`,
    /// `body_too_large`, …; `internal` for anything unexpected).
    func measure(source: String, _ answer: () async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        func record(_ outcome: String) {
            metrics.delivery(source: source, outcome: outcome, seconds: (ContinuousClock.now - started).inSeconds)
        }
        do {
            let response = try await answer()
            switch response.status {
            case .accepted: record("stored")
            case .ok: record(source == "slack" || source == "mattermost" ? "answered" : "duplicate")
            default: record("status_\(response.status.code)")
            }
            return response
        } catch let error as APIError {
            record(error.code)
            throw error
        } catch {
            record("internal")
            throw error
        }
    }
}

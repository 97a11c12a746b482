import HTTPTypes
import Hummingbird
import TrainyardCore
import TrainyardEngine

/// What `/readyz` checks: the store answers, its schema is this build's, the engine's drivers
/// run, and no due delivery has waited longer than `stuckAfterSeconds` (a stuck driver).
public struct Readiness: Sendable {
    /// Throws, saying why, when the store's schema is not the one this build knows; nil checks
    /// nothing (the executable passes the store's own check).
    public var schema: (@Sendable () async throws -> Void)?
    /// How long the longest-waiting due delivery may wait before the engine counts as stuck
    /// (`stuck_after_seconds`).
    public var stuckAfterSeconds: Double

    public init(schema: (@Sendable () async throws -> Void)? = nil, stuckAfterSeconds: Double = 300) {
        self.schema = schema
        self.stuckAfterSeconds = stuckAfterSeconds
    }

    /// `200 {"status": "ready", …}` with the backlog, or `503 {"status": "not_ready", "reasons": […]}`
    /// with every check that failed, each saying what to look at.
    func response(engine: TrainEngine, store: any EngineStore) async -> Response {
        var reasons: [String] = []
        var body: [String: Any] = [:]
        if let schema {
            do { try await schema() } catch { reasons.append("schema: \(error)") }
        }
        if !engine.isRunning {
            reasons.append("engine: not running (starting up or shutting down)")
        }
        do {
            let now = engine.now
            let backlog = try await store.backlog(now: now)
            // In real seconds: a test clock that runs fast does not make a busy engine look stuck.
            let waited = backlog.inboxAge(at: now) / Double(engine.clockSpeed)
            body["inbox"] = backlog.inbox
            body["outbox"] = backlog.outbox
            body["inbox_oldest_wait_seconds"] = waited
            if waited > stuckAfterSeconds {
                reasons.append(
                    "engine: a due delivery has waited \(Int(waited)) s, more than \(Int(stuckAfterSeconds)) s; "
                        + "see GET /api/v1/deliveries and the log for the train that is stuck")
            }
        } catch {
            reasons.append("store: not reachable: \(error)")
        }
        guard reasons.isEmpty else {
            return JSONBody.response(.serviceUnavailable, ["status": "not_ready", "reasons": reasons])
        }
        body["status"] = "ready"
        return JSONBody.response(.ok, body)
    }
}

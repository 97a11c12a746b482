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

    /// What the checks found: every failed check's reason (none when ready) and the backlog.
    struct Verdict {
        var reasons: [String] = []
        var body: [String: Any] = [:]
        /// The backlog read for the check (`/metrics` reports it without reading it again).
        var backlog: StoreBacklog?
    }

    func verdict(engine: TrainEngine, store: any EngineStore) async -> Verdict {
        var verdict = Verdict()
        if let schema {
            do { try await schema() } catch { verdict.reasons.append("schema: \(error)") }
        }
        if !engine.isRunning {
            verdict.reasons.append("engine: not running (starting up or shutting down)")
        }
        do {
            let now = engine.now
            let backlog = try await store.backlog(now: now)
            verdict.backlog = backlog
            // In real seconds: a test clock that runs fast does not make a busy engine look stuck.
            let waited = backlog.inboxAge(at: now) / Double(engine.clockSpeed)
            verdict.body["inbox"] = backlog.inbox
            verdict.body["outbox"] = backlog.outbox
            verdict.body["inbox_oldest_wait_seconds"] = waited
            if waited > stuckAfterSeconds {
                verdict.reasons.append(
                    "engine: a due delivery has waited \(Int(waited)) s, more than \(Int(stuckAfterSeconds)) s; "
                        + "see GET /api/v1/deliveries and the log for the train that is stuck")
            }
        } catch {
            verdict.reasons.append("store: not reachable: \(error)")
        }
        return verdict
    }

    /// `200 {"status": "ready", …}` with the backlog, or `503 {"status": "not_ready", "reasons": […]}`
    /// with every check that failed, each saying what to look at.
    func response(engine: TrainEngine, store: any EngineStore) async -> Response {
        var verdict = await verdict(engine: engine, store: store)
        guard verdict.reasons.isEmpty else {
            return JSONBody.response(.serviceUnavailable, ["status": "not_ready", "reasons": verdict.reasons])
        }
        verdict.body["status"] = "ready"
        return JSONBody.response(.ok, verdict.body)
    }
}

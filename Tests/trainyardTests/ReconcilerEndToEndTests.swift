import Foundation
import Testing
import TrainyardTesting

@testable import trainyard

/// The reconciler against lost, repeated and reordered webhooks: the same merge requests land,
/// and the same one is refused, whether GitLab's webhooks arrive faithfully or not, and the train
/// settles within one reconcile period of the last event.
@Suite(.serialized)
struct ReconcilerEndToEndTests {
    /// Seconds between two passes of the reconciler in these tests.
    static let period = 6

    /// What one run of the scenario ended with.
    struct Outcome: Equatable {
        /// The merge requests merged, by source branch.
        var landed: Set<String>
        /// Those left open, by source branch.
        var open: Set<String>
        /// Every file on the target's head with its contents.
        var tree: [String: String]
    }

    /// Eight merge requests, one of which breaks the build, each queued by a comment, and a person
    /// pushing to the target half-way; faults (if any) on every webhook GitLab sends.
    static func scenario(faults: WebhookFaults?) async throws -> (Outcome, Duration, String?) {
        let started = try await ServiceHarness.start()
        var config = started.config
        config.reconcileSeconds = period
        let harness = try await started.restarted(with: config)
        var outcome = Outcome(landed: [], open: [], tree: [:])
        var settled = Duration.zero
        var summary: String?
        try await harness.running { harness in
            let gitlab = harness.gitlab
            let project = ServiceHarness.project
            if let faults { await gitlab.injectWebhookFaults(faults) }
            let names = ["a", "b", "c", "broken", "d", "e", "f", "g"]
            var iids: [String: Int] = [:]
            for name in names {
                let files = name == "broken" ? ["FAIL": "this breaks the build\n"] : ["\(name).txt": "\(name)\n"]
                iids[name] = try await harness.openMergeRequest(name, files)
            }
            for (index, name) in names.enumerated() {
                _ = await gitlab.comment(project: project, iid: iids[name]!, body: "/merge")
                if index == 3 {
                    try await gitlab.push(
                        project: project, branch: "main", files: ["direct.txt": "by hand\n"], message: "by hand")
                }
            }
            let lastEvent = ContinuousClock.now
            let good = names.filter { $0 != "broken" }.compactMap { iids[$0] }
            let broken = iids["broken"]!
            try await waitUntil(timeout: .seconds(300)) {
                for iid in good where await gitlab.mergeRequest(project: project, iid: iid)?.state != "merged" {
                    return false
                }
                return await gitlab.mergeRequest(project: project, iid: broken)?.notes.contains {
                    $0.contains("Removed from the merge train")
                } == true
            }
            settled = ContinuousClock.now - lastEvent
            summary = await gitlab.webhookFaultSummary
            await gitlab.injectWebhookFaults(nil)
            for (name, iid) in iids {
                let state = await gitlab.mergeRequest(project: project, iid: iid)?.state
                if state == "merged" {
                    outcome.landed.insert(name)
                } else if state == "opened" {
                    outcome.open.insert(name)
                }
            }
            let head = try #require(await gitlab.branchHead(project: project, branch: "main"))
            for path in names.map({ $0 == "broken" ? "FAIL" : "\($0).txt" }) + ["direct.txt", "README.md"] {
                if let text = await gitlab.fileContents(project: project, sha: head, path: path) {
                    outcome.tree[path] = text
                }
            }
        }
        return (outcome, settled, summary)
    }

    @Test func lostRepeatedAndReorderedWebhooksLandTheSameMergeRequests() async throws {
        let (faithful, faithfulTime, _) = try await Self.scenario(faults: nil)
        #expect(faithful.landed == ["a", "b", "c", "d", "e", "f", "g"])
        #expect(faithful.open == ["broken"])
        #expect(faithful.tree["FAIL"] == nil && faithful.tree["direct.txt"] == "by hand\n")
        let seed = UInt64(ProcessInfo.processInfo.environment["TRAINYARD_FAULT_SEED"] ?? "") ?? 20_261_206
        let faults = WebhookFaults(drop: 0.2, duplicate: 0.3, reorder: 0.2, seed: seed)
        let (faulty, faultyTime, summary) = try await Self.scenario(faults: faults)
        print(
            "reconciler: faithful webhooks settled in \(faithfulTime), faulty in \(faultyTime) "
                + "(\(summary ?? "no faults"); seed \(seed), period \(Self.period) s)")
        #expect(faulty == faithful, "the same landings with faults as without (seed \(seed))")
    }
}

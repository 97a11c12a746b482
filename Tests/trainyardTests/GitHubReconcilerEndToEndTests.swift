import Foundation
import Testing
import TrainyardTesting

@testable import trainyard

/// The reconciler on GitHub against lost, repeated and reordered webhooks: the same pull requests
/// land, and the same one is refused, whether GitHub's webhooks arrive faithfully or not.
@Suite(.serialized)
struct GitHubReconcilerEndToEndTests {
    typealias Outcome = ReconcilerEndToEndTests.Outcome

    static func scenario(faults: WebhookFaults?) async throws -> (Outcome, Duration, String?) {
        let repository = GitHubEndToEndTests.repository
        var outcome = Outcome(landed: [], open: [], tree: [:])
        var settled = Duration.zero
        var summary: String?
        try await GitHubEndToEndTests.run(reconcileSeconds: ReconcilerEndToEndTests.period) { github, _ in
            if let faults { await github.injectWebhookFaults(faults) }
            let names = ["a", "b", "broken", "c", "d"]
            var numbers: [String: Int] = [:]
            for name in names {
                let files = name == "broken" ? ["FAIL": "x\n"] : ["\(name).txt": "\(name)\n"]
                numbers[name] = try await github.openPullRequest(repository, branch: name, title: name, files: files)
            }
            for name in names { await github.comment(repository, number: numbers[name]!, body: "@trainyard merge") }
            let lastEvent = ContinuousClock.now
            let good = names.filter { $0 != "broken" }.compactMap { numbers[$0] }
            let broken = numbers["broken"]!
            try await waitUntil(timeout: .seconds(300)) {
                for number in good where await github.pull(repository, number)?.merged != true { return false }
                return await github.comments(repository, broken).contains { $0.body.contains("Removed") }
            }
            settled = ContinuousClock.now - lastEvent
            summary = await github.webhookFaultSummary
            await github.injectWebhookFaults(nil)
            for (name, number) in numbers {
                if await github.pull(repository, number)?.merged == true {
                    outcome.landed.insert(name)
                } else {
                    outcome.open.insert(name)
                }
            }
            let head = try #require(await github.branchHead(repository, "main"))
            for path in names.map({ $0 == "broken" ? "FAIL" : "\($0).txt" }) + ["README.md"] {
                if let text = await github.fileContents(repository, sha: head, path: path) { outcome.tree[path] = text }
            }
        }
        return (outcome, settled, summary)
    }

    @Test func lostRepeatedAndReorderedWebhooksLandTheSamePullRequests() async throws {
        let (faithful, faithfulTime, _) = try await Self.scenario(faults: nil)
        #expect(faithful.landed == ["a", "b", "c", "d"] && faithful.open == ["broken"])
        #expect(faithful.tree["FAIL"] == nil && faithful.tree["d.txt"] == "d\n")
        let seed = UInt64(ProcessInfo.processInfo.environment["TRAINYARD_FAULT_SEED"] ?? "") ?? 20_261_206
        let faults = WebhookFaults(drop: 0.2, duplicate: 0.3, reorder: 0.2, seed: seed)
        let (faulty, faultyTime, summary) = try await Self.scenario(faults: faults)
        print(
            "reconciler (GitHub): faithful webhooks settled in \(faithfulTime), faulty in \(faultyTime) "
                + "(\(summary ?? "no faults"); seed \(seed), period \(ReconcilerEndToEndTests.period) s)")
        #expect(faulty == faithful, "the same landings with faults as without (seed \(seed))")
    }
}

import Foundation

/// Webhook faults on the fake GitHub, as on the fake GitLab (``FaultyWebhooks``): each delivery
/// is dropped, sent twice (the same `X-GitHub-Delivery`), or held back behind the next one.
extension FakeGitHub {
    /// Puts faults on every webhook delivery from now on; nil sends them faithfully again (and
    /// sends what was held back).
    public func injectWebhookFaults(_ faults: WebhookFaults?) {
        faultyWebhooks.faults = faults
        if faults == nil { faultyWebhooks.flush() }
    }

    /// What the injected faults did so far.
    public var webhookFaultSummary: String? { faultyWebhooks.faults?.summary }

    /// Sends the deliveries held back to be sent out of order.
    public func flushHeldWebhooks() { faultyWebhooks.flush() }

    /// Sends one delivery (`send` queues it) with the faults drawn for it.
    func sendWithFaults(_ send: @escaping @Sendable () -> Void) {
        guard faultyWebhooks.send(send) else { return }
        Task { [weak self] in
            try? await Task.sleep(for: .seconds(1))
            await self?.flushHeldWebhooks()
        }
    }
}

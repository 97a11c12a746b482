import Foundation

/// Webhook faults on the fake GitHub, as ``WebhookFaults`` puts them on the fake GitLab: each
/// delivery is dropped, sent twice (the same `X-GitHub-Delivery`), or held back behind the next.
extension FakeGitHub {
    /// Puts faults on every webhook delivery from now on; nil sends them faithfully again (and
    /// sends what was held back).
    public func injectWebhookFaults(_ faults: WebhookFaults?) {
        webhookFaults = faults
        if faults == nil { flushHeldWebhooks() }
    }

    /// What the injected faults did so far.
    public var webhookFaultSummary: String? { webhookFaults?.summary }

    /// Sends the deliveries held back to be sent out of order.
    public func flushHeldWebhooks() {
        let held = heldWebhooks
        heldWebhooks = []
        for send in held { send() }
    }

    /// Sends one delivery (`send` queues it) with the faults drawn for it; what was held back
    /// goes after it.
    func sendWithFaults(_ send: @escaping @Sendable () -> Void) {
        guard var faults = webhookFaults else { return send() }
        let fate = faults.decide()
        webhookFaults = faults
        let held = heldWebhooks
        heldWebhooks = []
        if !fate.drop {
            if fate.holdBack {
                heldWebhooks.append(send)
                Task { [weak self] in
                    try? await Task.sleep(for: .seconds(1))
                    await self?.flushHeldWebhooks()
                }
            } else {
                send()
            }
            if fate.duplicate { send() }
        }
        for earlier in held { earlier() }
    }
}

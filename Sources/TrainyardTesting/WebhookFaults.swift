import Foundation

/// Faults the fake GitLab puts on its webhook deliveries, drawn from a seeded generator so that
/// a failing run can be repeated: a delivery is dropped, sent twice (the same delivery, as
/// GitLab's retries are), or held back and sent after the next one.
public struct WebhookFaults: Sendable {
    /// The share of deliveries never sent.
    public var drop: Double
    /// The share of sent deliveries sent a second time.
    public var duplicate: Double
    /// The share of sent deliveries held back until after the next one.
    public var reorder: Double
    public var random: SplitMix
    /// What the faults did so far.
    public private(set) var dropped = 0
    public private(set) var duplicated = 0
    public private(set) var reordered = 0
    public private(set) var sent = 0

    public init(drop: Double, duplicate: Double, reorder: Double, seed: UInt64) {
        self.drop = drop
        self.duplicate = duplicate
        self.reorder = reorder
        self.random = SplitMix(seed: seed)
    }

    /// A number in 0..<1 from the generator.
    mutating func roll() -> Double { Double(random.next() >> 11) / Double(UInt64(1) << 53) }

    /// What to do with the next delivery.
    mutating func decide() -> (drop: Bool, duplicate: Bool, holdBack: Bool) {
        if roll() < drop {
            dropped += 1
            return (true, false, false)
        }
        sent += 1
        let twice = roll() < duplicate
        let hold = roll() < reorder
        if twice { duplicated += 1 }
        if hold { reordered += 1 }
        return (false, twice, hold)
    }

    public var summary: String {
        "\(sent) sent (\(duplicated) twice, \(reordered) out of order), \(dropped) dropped"
    }
}

/// Deliveries sent under ``WebhookFaults``, for both fakes: each is a closure that queues it.
struct FaultyWebhooks: Sendable {
    var faults: WebhookFaults?
    private var held: [@Sendable () -> Void] = []

    /// Sends one delivery with the faults drawn for it; what was held back goes after it.
    /// Returns whether this one was held back: the caller flushes it a second later unless
    /// another delivery comes first.
    mutating func send(_ send: @escaping @Sendable () -> Void) -> Bool {
        guard var drawn = faults else {
            send()
            return false
        }
        let fate = drawn.decide()
        faults = drawn
        let earlier = held
        held = []
        if !fate.drop {
            if fate.holdBack { held.append(send) } else { send() }
            if fate.duplicate { send() }
        }
        for delivery in earlier { delivery() }
        return fate.holdBack && !fate.drop
    }

    /// Sends what was held back.
    mutating func flush() {
        let earlier = held
        held = []
        for delivery in earlier { delivery() }
    }
}

extension FakeGitLab {
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

    /// Sends one delivery with the faults drawn for it.
    func sendWithFaults(_ delivery: WebhookSender.Delivery, _ sender: WebhookSender) {
        guard faultyWebhooks.send({ sender.enqueue(delivery) }) else { return }
        Task { [weak self] in
            try? await Task.sleep(for: .seconds(1))
            await self?.flushHeldWebhooks()
        }
    }
}

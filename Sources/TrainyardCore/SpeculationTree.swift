/// Probability-weighted speculation (Uber's SubmitQueue): every possible car is a bet on which of
/// the changes ahead of a change will pass, and it is worth building in proportion to the
/// probability that the bet is right. The most likely bet for each change is its primary car
/// (the changes ahead that will probably pass, plus itself); a skip-variant flips one bet (it
/// leaves out a change ahead that may fail, or takes in a failing one that may have flaked). The
/// cars with the highest probability of being needed are kept in flight, within the budget.
enum SpeculationTree {
    /// How far down the queue skip-variants are considered (primaries go as deep as the budget).
    static let variantDepth = 24
    /// Cars less likely to be needed than this are not built.
    static let threshold = 0.01

    /// The cars to keep in flight, most likely needed first, each as queue indices in order.
    /// - Parameter good: the probability that a change that has not failed passes on its own.
    /// - Parameter suspectGood: the probability that a change whose car failed passes after all.
    /// - Parameter variantThreshold: skip-variants less likely to be needed than this are not built.
    static func cars(
        for train: Train, budget: Int, good: Double, suspectGood: Double, variantThreshold: Double = 0.01
    ) -> [[Int]] {
        let queue = train.queue
        guard !queue.isEmpty, budget > 0 else { return [] }
        let suspects = Set(train.cars.filter { $0.status == .failed || $0.isRerunning }.map(\.newest.number))
        // Cars already holding results, or being run again, cost nothing more: they are skipped.
        let settled = Set(
            train.cars.filter { [.passed, .failed, .landing].contains($0.status) || $0.isRerunning }
                .map { $0.changes.map(\.number) })
        let inFlight = Set(
            train.cars.filter { $0.isInFlight && !$0.isRerunning }
                .map { $0.changes.map(\.number) })
        let depth = min(queue.count, max(budget * 2, variantDepth))
        let probability = (0..<depth).map { suspects.contains(queue[$0].number) ? suspectGood : good }
        var candidates: [(need: Double, order: Int, indices: [Int])] = []
        var primaryNeed = 1.0
        var included: [Int] = []
        func consider(_ need: Double, _ indices: [Int]) {
            guard need >= threshold else { return }
            let numbers = indices.map { queue[$0].number }
            guard !settled.contains(numbers) else { return }
            // A car already running is kept unless something twice as likely needs its slot.
            let weight = inFlight.contains(numbers) ? need * 2 : need
            candidates.append((weight, candidates.count, indices))
        }
        for i in 0..<depth {
            consider(primaryNeed, included + [i])
            if i < variantDepth {
                for j in 0..<i {
                    let likely = max(probability[j], 1 - probability[j])
                    let flipped = primaryNeed / likely * (1 - likely)
                    guard flipped >= variantThreshold else { continue }
                    var variant = included.filter { $0 != j }
                    if variant.count == included.count {
                        variant.append(j)
                        variant.sort()
                    }
                    consider(flipped, variant + [i])
                }
            }
            if probability[i] >= 0.5 { included.append(i) }
            primaryNeed *= max(probability[i], 1 - probability[i])
            if primaryNeed < threshold { break }
        }
        candidates.sort { $0.need != $1.need ? $0.need > $1.need : $0.order < $1.order }
        return candidates.prefix(budget).map(\.indices)
    }
}

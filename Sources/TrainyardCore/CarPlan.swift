/// What a planner wants in flight, most wanted first: cars, each as queue indices in order, and
/// probes (`adaptive`), each the queue index of a change to test alone. A planner that knows the
/// cars' keys already gives them in `keys`, one per car; otherwise `keys` is empty.
struct CarPlan: Hashable, Sendable {
    var cars: [[Int]] = []
    var probes: [Int] = []
    var keys: [CarKey] = []
}

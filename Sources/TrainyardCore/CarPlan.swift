/// What a planner wants in flight, most wanted first: cars, each as queue indices in order, and
/// probes (`adaptive`), each the queue index of a change to test alone. A planner that knows the
/// cars' keys already gives them in `keys`, one per car; otherwise `keys` is empty.
public struct CarPlan: Hashable, Sendable {
    public var cars: [[Int]] = []
    public var probes: [Int] = []
    public var keys: [CarKey] = []

    public init(cars: [[Int]] = [], probes: [Int] = [], keys: [CarKey] = []) {
        self.cars = cars
        self.probes = probes
        self.keys = keys
    }
}

/// A priority queue of timed items: the earliest first, and items due at the same time in the
/// order they were scheduled, so a run is deterministic.
struct EventQueue<Item> {
    private var heap: [(time: Int64, order: UInt64, item: Item)] = []
    private var scheduled: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var nextTime: Int64? { heap.first?.time }

    mutating func schedule(_ item: Item, at time: Int64) {
        scheduled += 1
        heap.append((time, scheduled, item))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (time: Int64, item: Item)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var best = parent
            if left < heap.count, Self.before(heap[left], heap[best]) { best = left }
            if right < heap.count, Self.before(heap[right], heap[best]) { best = right }
            guard best != parent else { break }
            heap.swapAt(parent, best)
            parent = best
        }
        return (top.time, top.item)
    }

    private static func before(
        _ a: (time: Int64, order: UInt64, item: Item), _ b: (time: Int64, order: UInt64, item: Item)
    ) -> Bool {
        a.time != b.time ? a.time < b.time : a.order < b.order
    }
}

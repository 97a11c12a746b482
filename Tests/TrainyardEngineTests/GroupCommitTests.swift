import Synchronization
import Testing
import TrainyardCore
import TrainyardEngine

/// How intake's group commit answers its callers when the store fails.
struct GroupCommitTests {
    struct Refused: Error {}

    static func entry(_ key: String) -> InboxEntry {
        InboxEntry(
            delivery: Delivery(
                source: "gitlab", key: key, kind: "Push Hook",
                event: .push(
                    PushEvent(project: ProjectKey(forge: "gitlab", path: "group/app"), branch: "main", after: nil))),
            owner: nil, at: Instant(seconds: 1))
    }

    /// A store that fails every batch holding the entry `bad`: the others of its batch are
    /// written again one by one and succeed; only `bad`'s caller sees the error.
    @Test func oneRefusedDeliveryDoesNotFailTheOthersOfItsBatch() async throws {
        let calls = Mutex<[[String]]>([])
        let started = Mutex(false)
        let release = AsyncStream<Void>.makeStream()
        let intake = GroupCommit { entries in
            let keys = entries.map(\.delivery.key)
            let first = calls.withLock { calls -> Bool in
                calls.append(keys)
                return calls.count == 1
            }
            if first {
                started.withLock { $0 = true }
                for await _ in release.stream { break }
            }
            if keys.contains("bad") && !first { throw Refused() }
            return entries.indices.map { .stored(Int64($0)) }
        }
        let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
            group.addTask { ("first", (try? await intake.write(Self.entry("first"))) != nil) }
            while !started.withLock({ $0 }) { await Task.yield() }
            for key in ["x", "bad", "y"] {
                group.addTask { (key, (try? await intake.write(Self.entry(key))) != nil) }
            }
            while intake.waitingCount < 3 { await Task.yield() }
            release.continuation.yield()
            return await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes == ["first": true, "x": true, "bad": false, "y": true])
        let batches = calls.withLock { $0 }
        #expect(batches.first == ["first"])
        #expect(batches.count == 5)
        #expect(Set(batches.dropFirst(2)) == [["x"], ["bad"], ["y"]])
    }

    @Test func aLoneDeliveryIsWrittenAtOnceInItsOwnBatch() async throws {
        let intake = GroupCommit { entries in entries.indices.map { .stored(Int64($0 + 7)) } }
        #expect(try await intake.write(Self.entry("one")) == .stored(7))
        #expect(try await intake.write(Self.entry("two")) == .stored(7))
        #expect(intake.batchCount == 2)
        #expect(intake.waitingCount == 0)
    }
}

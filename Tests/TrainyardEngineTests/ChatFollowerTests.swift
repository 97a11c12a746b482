import Testing
import TrainyardCore

@testable import TrainyardEngine

/// A chat command's address gets the change's later notes: at most 5 posts in all, within 30
/// minutes, and none once the change left the train.
struct ChatFollowerTests {
    static let train = TrainID(forge: "gitlab", project: "group/app", target: "main")

    static func queued(_ numbers: [Int]) -> Train {
        var train = Train(id: Self.train)
        train.queue = numbers.map {
            Change(
                number: $0, head: SHA(String(repeating: "a", count: 40)), title: "t", sourceBranch: "b",
                requestedBy: "@alice", enqueuedAt: Instant(seconds: 0))
        }
        return train
    }

    static func replies(_ actions: [TrainAction]) -> [String] {
        actions.compactMap { if case .chatReply(_, let text) = $0 { text } else { nil } }
    }

    @Test func laterNotesFollowUntilTheAddressIsUsedUp() {
        var train = Self.queued([1, 2])
        ChatReplyTarget(url: "https://hooks.slack.com/1", change: 1).follow(&train, posted: 3, now: Instant(seconds: 0))
        let notes: [TrainAction] = [.comment(change: 1, body: "car passed"), .comment(change: 2, body: "other")]
        let first = ChatReplyTarget.followed(notes, train: &train, now: Instant(seconds: 60))
        #expect(Self.replies(first) == ["car passed"], "only the followed change, and its own address")
        let second = ChatReplyTarget.followed(notes, train: &train, now: Instant(seconds: 120))
        #expect(Self.replies(second) == ["car passed"])
        #expect(train.chatFollowers == nil, "5 posts made: the address is used up")
        #expect(Self.replies(ChatReplyTarget.followed(notes, train: &train, now: Instant(seconds: 180))).isEmpty)
    }

    @Test func anAddressExpiresAfter30MinutesAndALeavingChangeIsForgotten() {
        var train = Self.queued([1, 2])
        ChatReplyTarget(url: "u1", change: 1).follow(&train, posted: 1, now: Instant(seconds: 0))
        ChatReplyTarget(url: "u2", change: 2).follow(&train, posted: 1, now: Instant(seconds: 0))
        ChatReplyTarget(url: "u9", change: 9).follow(&train, posted: 1, now: Instant(seconds: 0))
        #expect(train.chatFollowers?.keys.sorted() == [1, 2], "a change not on the train is not followed")
        train.queue.removeAll { $0.number == 2 }
        let landed = ChatReplyTarget.followed(
            [.comment(change: 2, body: "Merged !2")], train: &train, now: Instant(seconds: 60))
        #expect(Self.replies(landed) == ["Merged !2"], "the note that says it left still goes")
        #expect(train.chatFollowers?.keys.sorted() == [1])
        let late = ChatReplyTarget.followed(
            [.comment(change: 1, body: "late")], train: &train, now: Instant(seconds: 31 * 60))
        #expect(Self.replies(late).isEmpty && train.chatFollowers == nil)
    }
}

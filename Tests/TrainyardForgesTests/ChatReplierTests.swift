import Foundation
import Testing
import TrainyardEngine
import TrainyardForges
import TrainyardTesting

/// Later answers to chat commands, posted over real HTTP to a fake `response_url`.
struct ChatReplierTests {
    @Test func postsTheTextAndTellsPermanentFromPassingFailures() async throws {
        let server = FakeChatServer()
        try await server.start()
        let replier = ChatReplier()
        try await replier.reply(url: await server.url("/commands/T1/1"), text: "Added !12 to the merge train.")
        #expect(
            await server.posts == [
                .init(path: "/commands/T1/1", responseType: "ephemeral", text: "Added !12 to the merge train.")
            ])
        await server.setAnswer(404)
        await #expect(throws: PermanentError.self) { try await replier.reply(url: await server.url("/x"), text: "t") }
        await server.setAnswer(500)
        await #expect(throws: ChatReplyError.self) { try await replier.reply(url: await server.url("/x"), text: "t") }
        await server.stop()
        await #expect(throws: (any Error).self) { try await replier.reply(url: "http://127.0.0.1:1/x", text: "t") }
    }
}

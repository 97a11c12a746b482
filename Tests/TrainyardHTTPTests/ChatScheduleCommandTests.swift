import Foundation
import HummingbirdTesting
import Testing
import TrainyardCore
import TrainyardEngine

@testable import TrainyardHTTP

/// `/train schedule …` over real HTTP with a real store: a list answered at once, commands stored
/// for the schedule's driver with the chat user's forge user, bad input answered and nothing stored.
struct ChatScheduleCommandTests {
    static let schedules = [
        ScheduleDefinition(
            name: "nightly", forge: "gitlab", project: "group/app", ref: "main", cron: "30 2 * * *",
            timeZone: "Europe/Berlin"),
        ScheduleDefinition(
            name: "reports", forge: "gitlab", project: "group/reports", ref: "main", cron: "0 6 * * MON",
            timeZone: "America/New_York", active: false),
    ]

    static func text(_ response: TestResponse) -> String {
        ChatEndpointTests.json(response)["text"] as? String ?? ""
    }

    @Test func aListIsAnsweredAtOnceAndStoresNothing() async throws {
        try await ChatEndpointTests.withApp(schedules: Self.schedules) { client, store in
            let all = Self.text(try await ChatEndpointTests.slack(client, ChatEndpointTests.slackForm("schedule list")))
            #expect(all.hasPrefix("Pipeline schedules:\n"))
            #expect(all.contains("`nightly` group/app `main` `30 2 * * *` Europe/Berlin: next "))
            #expect(all.contains("`reports` group/reports `main` `0 6 * * MON` America/New_York: inactive"))
            let one = Self.text(
                try await ChatEndpointTests.slack(client, ChatEndpointTests.slackForm("schedule list group/app")))
            #expect(one.hasPrefix("Pipeline schedules of group/app:\n") && !one.contains("reports"))
            let none = Self.text(
                try await ChatEndpointTests.slack(client, ChatEndpointTests.slackForm("schedule list other/app")))
            #expect(none == "other/app has no pipeline schedules.")
            #expect(try await store.recentDeliveries(limit: 5).isEmpty)
        }
    }

    @Test(arguments: [
        ("run", ScheduleCommandEvent.Action.run), ("pause", .pause), ("resume", .resume),
    ])
    func aCommandIsStoredForTheScheduleWithItsForgeUser(verb: String, action: ScheduleCommandEvent.Action)
        async throws
    {
        try await ChatEndpointTests.withApp(schedules: Self.schedules) { client, store in
            let body = ChatEndpointTests.slackForm("schedule \(verb) nightly", trigger: "398738663015.7")
            let response = try await ChatEndpointTests.slack(client, body)
            #expect(ChatEndpointTests.json(response)["response_type"] as? String == "in_channel")
            #expect(
                Self.text(response)
                    == "@alice (Slack) asked Trainyard to \(verb) schedule `nightly` (group/app, `main`); the answer "
                    + "follows here.")
            let again = try await ChatEndpointTests.slack(client, body)
            #expect(Self.text(again).contains("received before"))
            let stored = try await store.recentDeliveries(limit: 10)
            #expect(stored.count == 1 && stored.first?.kind == "Slack schedule \(verb)")
            let row = try #require(try await store.nextInbox(owner: nil, now: Instant(seconds: 2)))
            guard case .scheduleCommand(let event) = row.delivery.event else {
                Issue.record("stored \(row.delivery.event)")
                return
            }
            #expect(event.name == "nightly" && event.action == action && event.forgeUser == "alice")
            #expect(event.by == "@alice (Slack)" && event.replyURL == "https://hooks.slack.com/commands/1")
            #expect(row.owner == .schedule("nightly"))
        }
    }

    @Test(arguments: [
        ("schedule run weekly", "There is no schedule named `weekly`. `/train schedule list` shows them."),
        ("schedule run", "`schedule run` needs the schedule's name"),
        ("schedule rnu nightly", "Did you mean `schedule run nightly`? Try `/train help`."),
        ("schedule list group/app main", "`main` means nothing after `schedule list group/app`."),
        ("help", "`/train schedule list [group/app]`"),
    ])
    func badCommandsAreAnsweredAndStoreNothing(text: String, expected: String) async throws {
        try await ChatEndpointTests.withApp(schedules: Self.schedules) { client, store in
            let response = try await ChatEndpointTests.slack(client, ChatEndpointTests.slackForm(text))
            #expect(response.status == .ok)
            #expect(ChatEndpointTests.json(response)["response_type"] as? String == "ephemeral")
            #expect(Self.text(response).contains(expected), "\(Self.text(response))")
            #expect(try await store.recentDeliveries(limit: 5).isEmpty)
        }
    }
}

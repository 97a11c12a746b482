import Foundation
import Testing
import TrainyardCore
import TrainyardEngine
import TrainyardTesting

@testable import TrainyardForges

/// Pipelines the service creates for schedules and review apps, against the fake GitLab: a
/// repeated creation takes the pipeline an earlier try made, and only that one. Two schedules
/// firing in the same minute share the slot time, so the schedule's name must match too (a retry
/// once took another schedule's pipeline, and its result, as its own).
@Suite(.serialized)
struct GitLabOwnedPipelineTests {
    static func variables(_ schedule: String, slot: String) -> [String: String] {
        [ScheduleDefinition.scheduleVariable: schedule, ScheduleDefinition.slotVariable: slot]
    }

    @Test func aRetryTakesItsOwnSchedulesPipelineOnly() async throws {
        try await GitLabClientTests.withGitLab { gitlab, client, project in
            await gitlab.setCIPolicy { _ in nil }
            let minute = try await client.createScheduledPipeline(
                project: project, ref: "main", variables: Self.variables("every-minute", slot: "slot@60000"),
                searchEarlier: false)
            let smoke = try await client.createScheduledPipeline(
                project: project, ref: "main", variables: Self.variables("smoke", slot: "slot@60000"),
                searchEarlier: true)
            #expect(smoke.id != minute.id, "the same slot of another schedule is not this one's pipeline")
            let again = try await client.createScheduledPipeline(
                project: project, ref: "main", variables: Self.variables("smoke", slot: "slot@60000"),
                searchEarlier: true)
            #expect(again.id == smoke.id, "a repeated try takes the pipeline it made")
            #expect(await gitlab.pipelines(project: "group/app").count == 2)
        }
    }

    @Test func aReviewAppRetryMatchesItsMergeRequestAndAttempt() async throws {
        try await GitLabClientTests.withGitLab { gitlab, client, project in
            await gitlab.setCIPolicy { _ in nil }
            func variables(_ slug: String, _ attempt: String) -> [String: String] {
                [
                    ReviewAppVariables.slug: slug, ReviewAppVariables.attempt: attempt,
                    ReviewAppVariables.action: "deploy",
                ]
            }
            let first = try await client.createReviewPipeline(
                project: project, ref: "main", variables: variables("mr-1", "3"), searchEarlier: true)
            let other = try await client.createReviewPipeline(
                project: project, ref: "main", variables: variables("mr-2", "3"), searchEarlier: true)
            let again = try await client.createReviewPipeline(
                project: project, ref: "main", variables: variables("mr-1", "3"), searchEarlier: true)
            #expect(other.id != first.id && again.id == first.id)
        }
    }
}

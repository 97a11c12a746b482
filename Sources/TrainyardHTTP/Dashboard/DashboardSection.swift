import Foundation
import TrainyardCore
import TrainyardEngine

/// One part of the dashboard: a template and the query that fills it. Adding a section is one
/// template in ``DashboardTemplates`` and one type here, listed in ``DashboardRenderer/sections``.
protocol DashboardSection: Sendable {
    /// The name of its template.
    var template: String { get }
    /// What the template renders; nil leaves the section out.
    func load(_ context: DashboardContext) async throws -> Any?
}

/// What a section's query may use.
struct DashboardContext: Sendable {
    let services: HTTPServices
    let links: [String: ForgeLinks]
    let now: Date
    /// The trains' recent decisions, kept between renders.
    let decisions: DecisionWindow
    /// Each train's rendered HTML, kept while it has not changed.
    let trains: TrainSectionCache
    /// Renders an object with a named template.
    let render: @Sendable (Any, String) -> String
}

/// Every configured train (and any other in the store), in order of forge, project and target.
struct TrainsSection: DashboardSection {
    var template: String { "trains" }

    func load(_ context: DashboardContext) async throws -> Any? {
        let services = context.services
        var trains = Dictionary(try await services.store.trains().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (project, targets) in services.targets {
            for target in targets {
                let id = TrainID(forge: project.forge, project: project.path, target: target)
                if trains[id] == nil { trains[id] = Train(id: id) }
            }
        }
        let now = context.now
        // The day before the first of the 14 days the charts show (a change landed then was queued before).
        let today = Int64(now.timeIntervalSince1970 * 1000)
        let since = Instant(
            milliseconds: today - today % DashboardStats.dayMilliseconds - 14 * DashboardStats.dayMilliseconds)
        for project in Set(trains.keys.map { ProjectKey(forge: $0.forge, path: $0.project) }) {
            try await context.decisions.refresh(project, since: since)
        }
        var sections: [String] = []
        let minute = Int64(now.timeIntervalSince1970) / 60
        for train in trains.values.sorted(by: {
            ($0.id.forge, $0.id.project, $0.id.target) < ($1.id.forge, $1.id.project, $1.id.target)
        }) {
            let decisions = await context.decisions.records(of: train.id)
            let key = TrainSectionCache.Key(train: train, newestDecision: decisions.last?.id, minute: minute)
            let links = context.links[train.id.forge]
            let render = context.render
            sections.append(
                await context.trains.html(train.id, key: key) {
                    render(TrainCard(train: train, decisions: decisions.reversed(), links: links, now: now), "train")
                })
        }
        return ["trains": sections, "none": sections.isEmpty]
    }
}

/// Pipeline schedules: next run and last runs; left out when there are none.
struct SchedulesSection: DashboardSection {
    var template: String { "schedules" }

    func load(_ context: DashboardContext) async throws -> Any? {
        let schedules = try await context.services.allSchedules()
        guard !schedules.isEmpty else { return nil }
        return ["schedules": schedules.map { ScheduleView($0, now: Instant(context.now)) }]
    }
}

/// Review apps of the projects that have them: state, address, last browser check.
struct ReviewAppsSection: DashboardSection {
    var template: String { "reviewApps" }

    func load(_ context: DashboardContext) async throws -> Any? {
        let services = context.services
        var projects: [ReviewAppsView] = []
        for project in services.projects where services.engine.hasReviewApps(project) {
            guard let state = try await services.store.reviewApps(of: project) else { continue }
            let screenshots = services.screenshots
            projects.append(ReviewAppsView(project: project.path, state, link: { screenshots?.link($0) }))
        }
        return projects.isEmpty ? nil : ["projects": projects]
    }
}

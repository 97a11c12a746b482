import Foundation
import TrainyardCore
import TrainyardEngine

/// One part of the dashboard: a template and the query that fills it. Adding a section is one
/// template in ``DashboardTemplates`` and one type here, listed in ``DashboardRenderer/sections``.
protocol DashboardSection: Sendable {
    /// The name of its template.
    var template: String { get }
    /// What the template renders; nil leaves the section out.
    func load(_ services: HTTPServices, links: [String: ForgeLinks], now: Date) async throws -> Any?
}

/// Every configured train (and any other in the store), in order of forge, project and target.
struct TrainsSection: DashboardSection {
    var template: String { "trains" }

    func load(_ services: HTTPServices, links: [String: ForgeLinks], now: Date) async throws -> Any? {
        var trains = Dictionary(try await services.store.trains().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (project, targets) in services.targets {
            for target in targets {
                let id = TrainID(forge: project.forge, project: project.path, target: target)
                if trains[id] == nil { trains[id] = Train(id: id) }
            }
        }
        let since = Instant(milliseconds: Int64(now.timeIntervalSince1970 * 1000) - 14 * DashboardStats.dayMilliseconds)
        var cards: [TrainCard] = []
        for train in trains.values.sorted(by: {
            ($0.id.forge, $0.id.project, $0.id.target) < ($1.id.forge, $1.id.project, $1.id.target)
        }) {
            let decisions = try await services.store.decisions(
                DecisionQuery(
                    forge: train.id.forge, project: train.id.project, target: train.id.target, since: since,
                    limit: 10_000))
            cards.append(TrainCard(train: train, decisions: decisions, links: links[train.id.forge], now: now))
        }
        return ["trains": cards, "none": cards.isEmpty]
    }
}

/// Pipeline schedules: next run and last runs; left out when there are none.
struct SchedulesSection: DashboardSection {
    var template: String { "schedules" }

    func load(_ services: HTTPServices, links: [String: ForgeLinks], now: Date) async throws -> Any? {
        let schedules = try await services.allSchedules()
        guard !schedules.isEmpty else { return nil }
        return ["schedules": schedules.map { ScheduleView($0, now: Instant(now)) }]
    }
}

/// Review apps of the projects that have them: state, address, last browser check.
struct ReviewAppsSection: DashboardSection {
    var template: String { "reviewApps" }

    func load(_ services: HTTPServices, links: [String: ForgeLinks], now: Date) async throws -> Any? {
        var projects: [ReviewAppsView] = []
        for project in services.projects where services.engine.hasReviewApps(project) {
            guard let state = try await services.store.reviewApps(of: project) else { continue }
            let screenshots = services.screenshots
            projects.append(ReviewAppsView(project: project.path, state, link: { screenshots?.link($0) }))
        }
        return projects.isEmpty ? nil : ["projects": projects]
    }
}

import Foundation
import Mustache
import TrainyardCore
import TrainyardEngine

/// Renders the dashboard's pages with the templates of ``DashboardTemplates``.
struct DashboardRenderer: Sendable {
    let library: MustacheLibrary
    let services: HTTPServices
    let links: [String: ForgeLinks]
    let decisions: DecisionWindow
    let trainSections = TrainSectionCache()

    /// Every section of the front page, in order.
    static let sections: [any DashboardSection] = [TrainsSection(), SchedulesSection(), ReviewAppsSection()]

    init(services: HTTPServices) {
        var library = MustacheLibrary()
        for (name, text) in DashboardTemplates.all {
            // The templates are constants of this file's module; a test renders each of them.
            if let template = try? MustacheTemplate(string: text) { library.register(template, named: name) }
        }
        self.library = library
        self.services = services
        self.links = services.dashboard.links
        decisions = DecisionWindow(store: services.store)
    }

    /// The front page's content: every section that has something to show.
    func content(now: Date) async throws -> String {
        var parts: [String] = []
        let library = library
        let context = DashboardContext(
            services: services, links: links, now: now, decisions: decisions, trains: trainSections,
            render: { object, template in library.render(object, withTemplate: template) ?? "" })
        for section in Self.sections {
            guard let object = try await section.load(context) else { continue }
            parts.append(render(object, section.template))
        }
        return parts.joined(separator: "\n")
    }

    /// A whole page around `content`; `live` is the address of its update stream, if it has one.
    func page(title: String, content: String, live: String?) -> String {
        let object: [String: Any] = ["title": title, "content": content, "live": live as Any]
        return render(object, "page")
    }

    /// The decisions about one change, newest first.
    func history(project: ProjectKey, number: Int, now: Date) async throws -> String {
        let records = try await services.store.decisions(
            DecisionQuery(forge: project.forge, project: project.path, change: number, limit: 500))
        let rows: [[String: Any]] = records.map { record in
            let date = Date(timeIntervalSince1970: Double(record.at.milliseconds) / 1000)
            return [
                "at": TrainCard.clock(date, today: now), "atISO": TrainView.iso8601(date),
                "kind": record.decision.kind.rawValue.replacingOccurrences(of: "_", with: " "),
                "target": record.target, "reason": record.decision.reason, "by": record.decision.by as Any,
            ]
        }
        let object: [String: Any] = [
            "project": project.path, "number": number,
            "url": links[project.forge]?.change(project: project.path, number: number) as Any,
            "records": rows, "hasRecords": !rows.isEmpty,
        ]
        return render(object, "history")
    }

    /// The page that says how to get in.
    func denied(_ message: String) -> String {
        page(title: "Token needed", content: render(["message": message], "denied"), live: nil)
    }

    func render(_ object: Any, _ template: String) -> String {
        library.render(object, withTemplate: template) ?? ""
    }
}

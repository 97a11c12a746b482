import TrainyardCore

/// Where a delivery goes when it is stored.
enum Routing: Hashable, Sendable {
    /// To this owner's driver.
    case owner(Owner)
    /// Nowhere: it is stored as finished with this outcome.
    case done(String)
}

extension TrainEngine {
    /// Routes a delivery at intake from what it says alone, with no forge look-up: to the train
    /// of the target it names, or to its project's driver when only the forge knows the target
    /// (an API command names only the merge request; its driver looks the target up).
    nonisolated func route(_ delivery: Delivery) -> Routing {
        func train(_ project: ProjectKey, _ target: String) -> Routing {
            guard let settings = projects[project], settings.targets.contains(target) else {
                return .done("not managed")
            }
            return .owner(.train(TrainID(forge: project.forge, project: project.path, target: target)))
        }
        switch delivery.event {
        case .ignored(let kind):
            return .done("ignored: \(kind)")
        case .mergeRequest(let event):
            switch event.action {
            case .update, .close, .merge: return train(event.project, event.target)
            case .open, .reopen, .approved, .other: return .done("no train event")
            }
        case .comment(let event):
            guard projects[event.project] != nil else { return .done("not managed") }
            guard !CommandGrammar.comment(event.body, mention: mention).isEmpty else { return .done("no command") }
            // A comment on a merge request whose target is not managed still gets its refusal.
            guard let target = event.target else { return .owner(.project(event.project)) }
            return .owner(.train(TrainID(forge: event.project.forge, project: event.project.path, target: target)))
        case .command(let event):
            guard projects[event.project] != nil else { return .done("not managed") }
            if case .reviewApp = event.command {
                guard projects[event.project]?.reviewApps != nil else { return .done("no review apps") }
                return .owner(.reviewApps(event.project))
            }
            return .owner(.project(event.project))
        case .trainCommand(let event):
            return train(event.project, event.target)
        case .scheduleCommand(let event):
            return .owner(.schedule(event.name))
        case .deployment(let event):
            guard ReviewAppSettings.number(ofEnvironment: event.environment) != nil,
                projects[event.project]?.reviewApps != nil
            else { return .done("not a review app's environment") }
            return .owner(.reviewApps(event.project))
        case .check(let event):
            guard let owner = carBranch(of: event) else { return .done("not a car's check") }
            return .owner(.train(owner.train))
        case .push(let event):
            guard event.after != nil, case .owner(let owner) = train(event.project, event.branch) else {
                return .done("not a target")
            }
            return .owner(owner)
        case .pipeline(let event):
            if let mark = event.scheduled, ScheduleDefinition.isValidName(mark.schedule) {
                return .owner(.schedule(mark.schedule))
            }
            if event.reviewApp != nil {
                guard projects[event.project]?.reviewApps != nil else { return .done("no review apps") }
                return .owner(.reviewApps(event.project))
            }
            guard let (target, _) = Self.car(fromRef: event.ref), event.state != nil, event.source != "push",
                case .owner(let owner) = train(event.project, target)
            else { return .done("not a car pipeline") }
            return .owner(owner)
        }
    }

    /// The car a check reports on: the first of the commit's branches that is a car branch of a
    /// managed target.
    nonisolated func carBranch(of event: CheckEvent) -> (train: TrainID, car: CarID)? {
        for branch in event.branches {
            guard let (target, car) = Self.car(fromRef: branch), let project = projects[event.project],
                project.targets.contains(target)
            else { continue }
            return (TrainID(forge: event.project.forge, project: event.project.path, target: target), car)
        }
        return nil
    }
}

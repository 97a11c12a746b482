import Foundation
import TrainyardCore

/// Carrying out what the review apps' state machine asks for, and turning each answer into the
/// event it leads to.
extension TrainEngine {
    /// Does `action`; the events its outcome leads to (applied next by the caller).
    func carryOut(_ action: ReviewAppAction, apps: ReviewApps, project: ProjectSettings) async throws
        -> [ReviewAppEvent]
    {
        let forge = forges[project.key.forge] as? any ReviewAppForge
        switch action {
        case .deploy(let number, let attempt, let head, let branch, let url):
            return await deployOrStop(
                "deploy", number: number, attempt: attempt, head: head, branch: branch, url: url, apps: apps,
                project: project)
        case .stop(let number, let attempt, let head, let branch, _):
            return await deployOrStop(
                "stop", number: number, attempt: attempt, head: head, branch: branch,
                url: apps.apps[number]?.url, apps: apps, project: project)
        case .cancelPipeline(_, let pipeline):
            try? await forges[project.key.forge]?.cancelPipeline(project: project, pipeline: PipelineID(pipeline))
            return []
        case .lookAtPipeline(let number, let attempt, let pipeline, let stopping):
            guard
                let status = try? await forges[project.key.forge]?.pipeline(project: project, id: PipelineID(pipeline))
                    .status
            else { return [] }
            let mark = ReviewAppPipelineMark(number: number, attempt: attempt, stopping: stopping)
            return Self.reviewAppEvent(mark, status: status, pipeline: PipelineID(pipeline), now: clock()).map { [$0] }
                ?? []
        case .check(let number, let attempt, _, let url):
            let results = await checkPages(number: number, attempt: attempt, url: url, apps: apps, project: project)
            return [.checked(number: number, attempt: attempt, results: results, now: clock())]
        case .stopEnvironment(let name):
            do {
                try await forge?.stopEnvironment(project: project, name: name)
                logger.notice("stopped an orphan review environment", metadata: ["environment": "\(name)"])
            } catch {
                logger.warning(
                    "stopping a review environment failed", metadata: ["environment": "\(name)", "error": "\(error)"])
            }
            return []
        case .status(_, let head, let state, let description):
            try? await forge?.setStatus(
                project: project, sha: head, name: "trainyard/review-app", state: state, description: description)
            return []
        case .note(let number):
            guard let app = apps.apps[number] else { return [] }
            let link = reviewAppServices?.link ?? { _ in nil }
            let body = ReviewAppNote.body(app, settings: apps.settings, link: link)
            do {
                try await forge?.upsertNote(project: project, number: number, key: "review-app", body: body)
            } catch {
                logger.warning("the review app note could not be written", metadata: ["error": "\(error)"])
            }
            return []
        case .sweep:
            guard let forge else { return [] }
            do {
                let environments = try await forge.availableEnvironments(
                    project: project, prefix: ReviewAppSettings.environmentPrefix)
                let open = try? await forge.openMergeRequests(project: project)
                return [.swept(environments: environments, open: open, now: clock())]
            } catch {
                logger.warning("the review app sweep could not read the forge", metadata: ["error": "\(error)"])
                return []
            }
        case .log(let text):
            logger.info("\(text)", metadata: ["project": "\(project.key)"])
            return []
        }
    }

    /// Asks for a deploy or a stop: a pipeline with the review app's variables, or the team's
    /// endpoint (whose 2xx answer is the end of it).
    private func deployOrStop(
        _ verb: String, number: Int, attempt: Int, head: SHA, branch: String, url: String?, apps: ReviewApps,
        project: ProjectSettings
    ) async -> [ReviewAppEvent] {
        let stopping = verb == "stop"
        func started(_ pipeline: Int?) -> ReviewAppEvent {
            stopping
                ? .stopStarted(number: number, attempt: attempt, pipeline: pipeline, now: clock())
                : .deployStarted(number: number, attempt: attempt, pipeline: pipeline, now: clock())
        }
        func finished(_ succeeded: Bool, url: String?, reason: String?) -> ReviewAppEvent {
            stopping
                ? .stopFinished(number: number, attempt: attempt, succeeded: succeeded, reason: reason, now: clock())
                : .deployFinished(
                    number: number, attempt: attempt, succeeded: succeeded, url: url, reason: reason, now: clock())
        }
        switch apps.settings.method {
        case .pipeline:
            guard let forge = forges[project.key.forge] as? any ReviewAppForge else {
                return [finished(false, url: nil, reason: "the forge cannot create pipelines")]
            }
            var variables = [
                ReviewAppVariables.action: verb, ReviewAppVariables.slug: ReviewAppSettings.slug(number),
                ReviewAppVariables.environment: ReviewAppSettings.environment(number),
                ReviewAppVariables.attempt: String(attempt),
            ]
            if let url { variables[ReviewAppVariables.url] = url }
            do {
                let pipeline = try await forge.createReviewPipeline(
                    project: project, ref: branch, variables: variables, searchEarlier: true)
                return [started(pipeline.id)]
            } catch {
                if error is CancellationError || isStopping { return [] }
                return [finished(false, url: nil, reason: "the \(verb) pipeline could not be created: \(error)")]
            }
        case .http(let endpoint, let secret):
            guard let hook = reviewAppServices?.hook else {
                return [finished(false, url: nil, reason: "no HTTP client for the deploy endpoint")]
            }
            let request = ReviewAppHookRequest(
                action: verb, project: project.key.path, mergeRequest: number, sourceBranch: branch, head: head.value,
                slug: ReviewAppSettings.slug(number), environment: ReviewAppSettings.environment(number), url: url,
                attempt: attempt)
            do {
                let answered = try await hook.send(request, to: endpoint, secret: secret)
                return [started(nil), finished(true, url: answered ?? url, reason: nil)]
            } catch {
                return [started(nil), finished(false, url: nil, reason: "\(endpoint) answered: \(error)")]
            }
        }
    }

    /// Whether a page looks like an app that has not come up yet: it could not be loaded, or a
    /// proxy in front of it answered 502, 503 or 504.
    static func notUpYet(_ result: BrowserCheckResult) -> Bool {
        if let error = result.error { return error.contains("could not be loaded") }
        return [502, 503, 504].contains(result.status ?? 0)
    }

    /// Checks every configured page of the app in the browser, keeps the screenshots, and compares
    /// each with the same page of the app's previous deploy.
    private func checkPages(number: Int, attempt: Int, url: String, apps: ReviewApps, project: ProjectSettings)
        async -> [BrowserCheckResult]
    {
        let settings = apps.settings
        guard let services = reviewAppServices, let browser = services.browser else {
            return settings.checks.map {
                BrowserCheckResult(url: url + $0.path, error: "no browser is configured for review app checks")
            }
        }
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let folder = URL(fileURLWithPath: services.artifacts)
            .appendingPathComponent(project.key.forge).appendingPathComponent(project.key.path)
            .appendingPathComponent(ReviewAppSettings.slug(number))
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let previous = apps.apps[number]?.checks ?? []
        var results: [BrowserCheckResult] = []
        for (index, check) in settings.checks.enumerated() {
            let page = base + check.path
            let selectors = check.expectSelector.map { [$0] } ?? []
            var (result, png) = await browser.check(url: page, expectSelectors: selectors)
            // A new deploy may not answer at once: it is tried again until `wait_seconds` passed.
            let deadline = ContinuousClock.now.advanced(by: .seconds(settings.waitSeconds))
            while Self.notUpYet(result), ContinuousClock.now < deadline, !isStopping {
                try? await Task.sleep(for: .seconds(min(5, max(1, settings.waitSeconds / 10))))
                (result, png) = await browser.check(url: page, expectSelectors: selectors)
            }
            if Self.notUpYet(result), settings.waitSeconds > 0 {
                let what = result.error ?? "status \(result.status ?? 0)"
                result.error = "\(what) (still after \(settings.waitSeconds) s, wait_seconds)"
            }
            let name = "\(attempt)-\(index)"
            if let png {
                let file = folder.appendingPathComponent("\(name).png")
                if (try? png.write(to: file)) != nil { result.screenshot = file.path }
                let earlier = index < previous.count ? previous[index].screenshot : nil
                var old = earlier.flatMap { FileManager.default.contents(atPath: $0) }
                if old == nil, let baseline = settings.baselineURL {
                    // A first deploy is compared with the target branch's app.
                    let root = baseline.hasSuffix("/") ? String(baseline.dropLast()) : baseline
                    old = await browser.check(url: root + check.path, expectSelectors: []).1
                }
                if let old, let (ratio, difference) = try? await browser.compare(old, png) {
                    let diff = folder.appendingPathComponent("\(name).diff.png")
                    if (try? difference.write(to: diff)) != nil { result.diffImage = diff.path }
                    result.diffRatio = ratio
                }
            }
            results.append(result)
        }
        return results
    }
}

import Testing

@testable import TrainyardCore

/// The review apps' state machine: debounce and superseding, checks and reports, stops on merge,
/// TTL and command, `max_apps`, failed stops, the sweeper, and invariants under random events.
struct ReviewAppsTests {
    static let a = SHA(String(repeating: "a", count: 40))
    static let b = SHA(String(repeating: "b", count: 40))
    static let settings = ReviewAppSettings(
        urlTemplate: "https://mr-{iid}.review.example.com", ttlHours: 72, maxApps: 10, debounceSeconds: 60,
        checks: [.init(path: "/", expectStatus: 200, expectSelector: "#app")])

    static func t(_ seconds: Int64) -> Instant { Instant(seconds: 1_800_000_000 + seconds) }

    static func deploys(_ actions: [ReviewAppAction]) -> [(Int, Int, SHA)] {
        actions.compactMap {
            if case .deploy(let number, let attempt, let head, _, _) = $0 { return (number, attempt, head) }
            return nil
        }
    }

    static func statuses(_ actions: [ReviewAppAction]) -> [(CommitState, String)] {
        actions.compactMap {
            if case .status(_, _, let state, let description) = $0 { return (state, description) }
            return nil
        }
    }

    /// Apps with `!12` opened at 0 s and deployed (attempt 1, pipeline 5) at 60 s.
    static func deployed(_ settings: ReviewAppSettings = settings) -> ReviewApps {
        var apps = ReviewApps(settings: settings)
        _ = apps.apply(.changeUpdated(number: 12, head: a, sourceBranch: "feature", draft: false, now: t(0)))
        _ = apps.apply(.tick(now: t(60)))
        _ = apps.apply(.deployStarted(number: 12, attempt: 1, pipeline: 5, now: t(61)))
        return apps
    }

    @Test func aDeployWaitsForTheDebounceThenStarts() {
        var apps = ReviewApps(settings: Self.settings)
        let opened = apps.apply(
            .changeUpdated(number: 12, head: Self.a, sourceBranch: "feature", draft: false, now: Self.t(0)))
        #expect(Self.deploys(opened).isEmpty)
        #expect(apps.wakeAt == Self.t(60) || apps.wakeAt == Self.t(0), "the sweep or the debounce")
        #expect(Self.deploys(apps.apply(.tick(now: Self.t(59)))).isEmpty)
        let due = apps.apply(.tick(now: Self.t(60)))
        #expect(Self.deploys(due).map(\.0) == [12] && Self.deploys(due).map(\.2) == [Self.a])
        #expect(
            due.contains(
                .deploy(
                    number: 12, attempt: 1, head: Self.a, sourceBranch: "feature",
                    url: "https://mr-12.review.example.com")))
        #expect(Self.statuses(due).map(\.0) == [.pending])
        #expect(apps.apps[12]?.state == .deploying)
    }

    @Test func aNewerPushSupersedesADeployInFlight() {
        var apps = Self.deployed()
        _ = apps.apply(
            .changeUpdated(number: 12, head: Self.b, sourceBranch: "feature", draft: false, now: Self.t(100)))
        let due = apps.apply(.tick(now: Self.t(160)))
        #expect(due.contains(.cancelPipeline(number: 12, pipeline: 5)))
        #expect(Self.deploys(due).map(\.1) == [2] && Self.deploys(due).map(\.2) == [Self.b])
        // The old deploy's answer comes late and is ignored.
        let late = apps.apply(
            .deployFinished(number: 12, attempt: 1, succeeded: true, url: nil, reason: nil, now: Self.t(170)))
        #expect(late.isEmpty && apps.apps[12]?.state == .deploying && apps.apps[12]?.deploy?.head == Self.b)
    }

    @Test func aDeployIsCheckedAndReported() {
        var apps = Self.deployed()
        let done = apps.apply(
            .deployFinished(number: 12, attempt: 1, succeeded: true, url: nil, reason: nil, now: Self.t(90)))
        #expect(done.first == .check(number: 12, attempt: 1, head: Self.a, url: "https://mr-12.review.example.com"))
        #expect(Self.statuses(done).map(\.0) == [.running])
        let passing = BrowserCheckResult(url: "https://mr-12.review.example.com/", status: 200, loadMilliseconds: 412)
        var passed = apps
        let report = passed.apply(.checked(number: 12, attempt: 1, results: [passing], now: Self.t(95)))
        #expect(Self.statuses(report).map(\.0) == [.success])
        #expect(Self.statuses(report).first?.1 == "Review app up: 1 page pass, load 412 ms.")
        #expect(report.contains(.note(number: 12)) && passed.apps[12]?.state == .live)
        var broken = passing
        broken.status = 500
        broken.consoleErrors = ["boom"]
        let failed = apps.apply(.checked(number: 12, attempt: 1, results: [broken], now: Self.t(95)))
        #expect(Self.statuses(failed).first?.0 == .failed)
        #expect(
            Self.statuses(failed).first?.1 == "Review app checks fail: /: status 500, expected 200, 1 console error.")
    }

    @Test(arguments: [
        (nil as String?, nil as String?, "The deploy of aaaaaaaa failed: pipeline #5 failed."),
        ("https://env.example.com", nil, ""),
    ])
    func aFailedDeployOrAnUnknownAddressIsReported(url: String?, template: String?, summary: String) {
        var settings = Self.settings
        settings.urlTemplate = template
        var apps = Self.deployed(settings)
        if summary.isEmpty {
            let done = apps.apply(
                .deployFinished(number: 12, attempt: 1, succeeded: true, url: url, reason: nil, now: Self.t(90)))
            #expect(done.first == .check(number: 12, attempt: 1, head: Self.a, url: "https://env.example.com"))
            return
        }
        let failed = apps.apply(
            .deployFinished(
                number: 12, attempt: 1, succeeded: false, url: nil, reason: "pipeline #5 failed", now: Self.t(90)))
        #expect(Self.statuses(failed).first?.0 == .failed && apps.apps[12]?.summary == summary)
        var unknown = Self.deployed(settings)
        let nowhere = unknown.apply(
            .deployFinished(number: 12, attempt: 1, succeeded: true, url: nil, reason: nil, now: Self.t(90)))
        #expect(Self.statuses(nowhere).first?.0 == .failed)
        #expect(unknown.apps[12]?.summary.contains("set review_apps.url") == true)
    }

    @Test func aMergeStopsTheAppAndTheStopIsConfirmed() {
        var apps = Self.deployed()
        _ = apps.apply(.deployFinished(number: 12, attempt: 1, succeeded: true, url: nil, reason: nil, now: Self.t(90)))
        let merged = apps.apply(.changeClosed(number: 12, merged: true, now: Self.t(200)))
        #expect(
            merged.contains(
                .stop(
                    number: 12, attempt: 2, head: Self.a, sourceBranch: "feature",
                    reason: "the merge request was merged")))
        _ = apps.apply(.stopStarted(number: 12, attempt: 2, pipeline: 9, now: Self.t(201)))
        #expect(
            apps.apply(.tick(now: Self.t(261))).contains(
                .lookAtPipeline(number: 12, attempt: 2, pipeline: 9, stopping: true)))
        _ = apps.apply(.stopFinished(number: 12, attempt: 2, succeeded: true, reason: nil, now: Self.t(300)))
        #expect(apps.apps[12]?.state == .stopped && apps.apps[12]?.hasEnvironment == false)
        _ = apps.apply(.swept(environments: [], open: [], now: Self.t(400)))
        #expect(apps.apps[12] == nil, "a closed app that stopped is forgotten at the next sweep")
    }

    @Test func theTTLStopsAnAppUnlessItIsPinned() {
        var apps = Self.deployed()
        _ = apps.apply(.deployFinished(number: 12, attempt: 1, succeeded: true, url: nil, reason: nil, now: Self.t(90)))
        let expires = Self.t(0).adding(milliseconds: 72 * 3_600_000)
        #expect(apps.apps[12]?.expiresAt(Self.settings) == expires)
        var pinned = apps
        _ = pinned.apply(.command(number: 12, .pin, by: "@alice", now: Self.t(100)))
        #expect(pinned.apply(.tick(now: expires)).allSatisfy { if case .stop = $0 { false } else { true } })
        _ = pinned.apply(.command(number: 12, .unpin, by: "@alice", now: expires))
        #expect(pinned.apps[12]?.expiresAt(Self.settings) == expires.adding(milliseconds: 72 * 3_600_000))
        let stopped = apps.apply(.tick(now: expires))
        #expect(
            stopped.contains(
                .stop(
                    number: 12, attempt: 2, head: Self.a, sourceBranch: "feature",
                    reason: "no update for 72 h (ttl_hours)")))
    }

    @Test func maxAppsMakesTheNextOneWaitForAPlace() {
        var settings = Self.settings
        settings.maxApps = 1
        settings.debounceSeconds = 0
        var apps = ReviewApps(settings: settings)
        #expect(
            Self.deploys(
                apps.apply(.changeUpdated(number: 1, head: Self.a, sourceBranch: "one", draft: false, now: Self.t(0)))
            ).count == 1)
        let second = apps.apply(
            .changeUpdated(number: 2, head: Self.b, sourceBranch: "two", draft: false, now: Self.t(1)))
        #expect(Self.deploys(second).isEmpty && apps.apps[2]?.state == .pending && apps.waiting == [2])
        #expect(apps.apps[2]?.summary == "Waiting for a place: 1 review apps run, and max_apps is 1.")
        _ = apps.apply(.command(number: 1, .stop, by: "@alice", now: Self.t(10)))
        let freed = apps.apply(.stopFinished(number: 1, attempt: 2, succeeded: true, reason: nil, now: Self.t(20)))
        #expect(Self.deploys(freed).map(\.0) == [2] && apps.waiting.isEmpty)
    }

    @Test func aFailedStopIsTriedAgainWithGrowingWaits() {
        var apps = Self.deployed()
        _ = apps.apply(.command(number: 12, .stop, by: "@alice", now: Self.t(100)))
        var waits: [Int64] = []
        var attempt = 2
        var now = Self.t(100)
        for _ in 0..<7 {
            _ = apps.apply(
                .stopFinished(number: 12, attempt: attempt, succeeded: false, reason: "job failed", now: now))
            let retry = try! #require(apps.apps[12]?.stop?.retryAt)
            waits.append((retry.milliseconds - now.milliseconds) / 60_000)
            now = retry
            let again = apps.apply(.tick(now: now))
            guard case .stop(_, let next, _, _, _)? = again.first(where: { if case .stop = $0 { true } else { false } })
            else {
                Issue.record("no stop again: \(again)")
                return
            }
            attempt = next
        }
        #expect(waits == [1, 2, 4, 8, 16, 30, 30])
        #expect(apps.apps[12]?.state == .stopping)
    }

    @Test func theSweeperStopsOrphansAndAppsOfClosedMergeRequests() {
        var apps = Self.deployed()
        _ = apps.apply(.deployFinished(number: 12, attempt: 1, succeeded: true, url: nil, reason: nil, now: Self.t(90)))
        let open = apps.apply(
            .swept(
                environments: ["review/mr-12", "review/mr-7", "production", "review/other"], open: [12],
                now: Self.t(1_000)))
        #expect(open.contains(.stopEnvironment(name: "review/mr-7")))
        #expect(
            !open.contains(.stopEnvironment(name: "review/mr-12"))
                && !open.contains(.stopEnvironment(name: "production")))
        #expect(open.contains(.log("sweep: stopped review/mr-7")))
        let gone = apps.apply(.swept(environments: ["review/mr-12"], open: [], now: Self.t(2_000)))
        #expect(gone.contains { if case .stop(12, _, _, _, _) = $0 { true } else { false } })
        #expect(apps.apps[12]?.state == .stopping)
    }

    @Test func draftsAreNotDeployedUntilReadyOrAsked() {
        var settings = Self.settings
        settings.debounceSeconds = 0
        var apps = ReviewApps(settings: settings)
        #expect(
            Self.deploys(
                apps.apply(.changeUpdated(number: 3, head: Self.a, sourceBranch: "x", draft: true, now: Self.t(0)))
            ).isEmpty)
        var asked = apps
        #expect(Self.deploys(asked.apply(.command(number: 3, .deploy, by: "@bob", now: Self.t(5)))).count == 1)
        #expect(
            Self.deploys(
                apps.apply(.changeUpdated(number: 3, head: Self.a, sourceBranch: "x", draft: false, now: Self.t(9)))
            ).count == 1)
    }

    @Test func aDeployWithNoAnswerTimesOut() {
        var apps = Self.deployed()
        #expect(
            apps.apply(.tick(now: Self.t(121))).contains(
                .lookAtPipeline(number: 12, attempt: 1, pipeline: 5, stopping: false)))
        let late = apps.apply(.tick(now: Self.t(60 + 3_600)))
        #expect(Self.statuses(late).first?.1 == "The deploy of aaaaaaaa failed: no answer within 60 minutes.")
    }

    @Test(arguments: [
        (" ", nil as Int?), ("review/mr-12", 12), ("review/mr-012", nil), ("review/mr-0", nil), ("review/x", nil),
    ])
    func environmentNamesMapToMergeRequests(name: String, number: Int?) {
        #expect(ReviewAppSettings.number(ofEnvironment: name) == number)
        if let number { #expect(ReviewAppSettings.environment(number) == name) }
    }
}

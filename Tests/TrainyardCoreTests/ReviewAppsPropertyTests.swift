import Foundation
import Testing

@testable import TrainyardCore

/// Random histories of pushes, drafts, closes, answers, commands, ticks and sweeps, with answers
/// to the actions given back in random order and sometimes lost. After every event: never more
/// apps holding a place than `max_apps`, no deploy for a closed merge request, no deploy while the
/// same app stops, nothing left due after a tick; and at the end, once every answer came and the
/// sweeper ran, no app of a closed merge request holds an environment.
///
/// `TRAINYARD_REVIEW_APP_SEEDS` sets how many seeds run (20 by default).
struct ReviewAppsPropertyTests {
    static let seeds = UInt64(ProcessInfo.processInfo.environment["TRAINYARD_REVIEW_APP_SEEDS"].flatMap(Int.init) ?? 20)

    @Test(arguments: Array(1...seeds))
    func invariantsHoldUnderRandomHistories(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        func pick(_ n: Int) -> Int { Int.random(in: 0..<n, using: &random) }
        var settings = ReviewAppSettings(
            urlTemplate: "https://mr-{iid}.example.com", ttlHours: 1, maxApps: 3, debounceSeconds: 30,
            checks: [.init(path: "/")])
        settings.maxDiffRatio = 0.01
        var apps = ReviewApps(settings: settings)
        var now = Instant(seconds: 1_800_000_000)
        var outstanding: [ReviewAppAction] = []
        var open: Set<Int> = []
        var environments: Set<Int> = []
        func head(_ n: Int) -> SHA {
            SHA(String(repeating: String("0123456789abcdef".randomElement(using: &random)!), count: 40))
        }

        func answer(_ action: ReviewAppAction, succeed: Bool) -> ReviewAppEvent? {
            switch action {
            case .deploy(let number, let attempt, _, _, _):
                environments.insert(number)
                return succeed
                    ? .deployFinished(
                        number: number, attempt: attempt, succeeded: true, url: nil, reason: nil, now: now)
                    : .deployFinished(
                        number: number, attempt: attempt, succeeded: false, url: nil, reason: "x", now: now)
            case .check(let number, let attempt, _, let url):
                return .checked(
                    number: number, attempt: attempt, results: [BrowserCheckResult(url: url, status: 200)], now: now)
            case .stop(let number, let attempt, _, _, _):
                if succeed { environments.remove(number) }
                return .stopFinished(number: number, attempt: attempt, succeeded: succeed, reason: "x", now: now)
            case .stopEnvironment(let name):
                if let number = ReviewAppSettings.number(ofEnvironment: name) { environments.remove(number) }
                return nil
            case .sweep:
                return .swept(
                    environments: environments.sorted().map(ReviewAppSettings.environment), open: open, now: now)
            default:
                return nil
            }
        }

        func check(_ actions: [ReviewAppAction], after event: ReviewAppEvent) {
            #expect(apps.placesUsed <= settings.maxApps, "seed \(seed): \(event)")
            for action in actions {
                if case .deploy(let number, _, _, _, _) = action {
                    #expect(apps.apps[number]?.open == true, "seed \(seed): deploy of a closed !\(number)")
                    #expect(apps.apps[number]?.state == .deploying)
                }
            }
            // After a tick nothing is left due, or the driver would wake again at once forever.
            if case .tick(let at) = event, let wake = apps.wakeAt {
                #expect(wake > at, "seed \(seed): \(actions) \(apps.apps)")
            }
        }

        func apply(_ event: ReviewAppEvent) {
            let actions = apps.apply(event)
            check(actions, after: event)
            outstanding += actions
        }

        for _ in 0..<400 {
            now = now.adding(milliseconds: Int64(pick(120_000)))
            let number = 1 + pick(6)
            switch pick(10) {
            case 0, 1:
                open.insert(number)
                apply(
                    .changeUpdated(
                        number: number, head: head(number), sourceBranch: "b\(number)", draft: pick(5) == 0, now: now))
            case 2:
                open.remove(number)
                apply(.changeClosed(number: number, merged: pick(2) == 0, now: now))
            case 3:
                apply(.command(number: number, ReviewAppCommand.allCases[pick(4)], by: "@p", now: now))
            case 4, 5, 6:
                guard !outstanding.isEmpty else { continue }
                let action = outstanding.remove(at: pick(outstanding.count))
                if pick(8) == 0 { continue }  // lost
                if let event = answer(action, succeed: pick(5) != 0) { apply(event) }
            default:
                apply(.tick(now: now))
            }
        }
        // Everything settles: every merge request closes, answers all succeed, the sweeper runs.
        for number in open.sorted() { apply(.changeClosed(number: number, merged: true, now: now)) }
        open = []
        for _ in 0..<200 {
            now = now.adding(milliseconds: 31 * 60_000)
            apply(.tick(now: now))
            apply(.swept(environments: environments.sorted().map(ReviewAppSettings.environment), open: open, now: now))
            while !outstanding.isEmpty {
                let action = outstanding.removeFirst()
                if let event = answer(action, succeed: true) { apply(event) }
            }
        }
        #expect(environments.isEmpty, "seed \(seed): environments left: \(environments.sorted()) \(apps.apps)")
        #expect(apps.apps.values.allSatisfy { !$0.hasEnvironment }, "seed \(seed): \(apps.apps)")
    }
}

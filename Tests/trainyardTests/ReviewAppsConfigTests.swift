import Foundation
import Testing
import TrainyardCore

@testable import trainyard

/// `review_apps:` under a project: the issue's example reads as written, and every bad value is
/// named with its path.
struct ReviewAppsConfigTests {
    static func config(_ section: String) -> String {
        ConfigLoaderTests.valid + "\n    review_apps:\n"
            + section.split(separator: "\n").map { "      \($0)" }.joined(separator: "\n")
    }

    @Test func theExampleReadsAsWritten() throws {
        let text = Self.config(
            """
            deploy: pipeline
            url: "https://mr-{iid}.review.example.com"
            ttl_hours: 72
            max_apps: 10
            debounce_seconds: 60
            checks:
              - path: /
                expect_status: 200
                expect_selector: "#app"
            """)
        let (config, problems) = ConfigLoaderTests.parse(text)
        #expect(problems.isEmpty, "\(problems)")
        let settings = try #require(config?.projects.first?.reviewApps)
        #expect(
            settings
                == ReviewAppSettings(
                    method: .pipeline, urlTemplate: "https://mr-{iid}.review.example.com", ttlHours: 72, maxApps: 10,
                    debounceSeconds: 60, checks: [.init(path: "/", expectStatus: 200, expectSelector: "#app")]))
        #expect(settings.url(12) == "https://mr-12.review.example.com")
    }

    @Test func anHTTPDeployTakesItsSecretFromTheEnvironment() throws {
        var environment = ConfigLoaderTests.environment
        environment["DEPLOY_SECRET"] = "a-secret-of-24-characters"
        let text = Self.config(#"deploy: {http: {url: "https://deploy.example.com/hook", secret: "${DEPLOY_SECRET}"}}"#)
        let (config, problems) = ConfigLoaderTests.parse(text, environment: environment)
        #expect(problems.isEmpty, "\(problems)")
        #expect(
            config?.projects.first?.reviewApps?.method
                == .http(url: "https://deploy.example.com/hook", secret: "a-secret-of-24-characters"))
        #expect(config?.projects.first?.reviewApps?.checks == [.init(path: "/")], "the default check")
    }

    @Test(arguments: [
        ("deploy: docker", "projects[0].review_apps.deploy", "expected `pipeline` or {http: {url, secret}}"),
        ("ttl_hours: 0", "projects[0].review_apps.ttl_hours", "1"),
        ("max_apps: -1", "projects[0].review_apps.max_apps", "1"),
        ("url: mr-{iid}.example.com", "projects[0].review_apps.url", "is not an http or https URL template"),
        ("checks:\n  - path: login", "projects[0].review_apps.checks[0].path", "must start with /"),
        ("max_diff_ratio: 3", "projects[0].review_apps.max_diff_ratio", "from 0 to 1"),
        (
            "deploy: {http: {url: \"https://d.example\", secret: short}}", "projects[0].review_apps.deploy.http.secret",
            "16"
        ),
        ("sweep: often", "projects[0].review_apps.sweep", "unknown key"),
        ("wait_seconds: 5000", "projects[0].review_apps.wait_seconds", "from 0 to 1800"),
    ])
    func badValuesAreNamed(line: String, path: String, words: String) {
        let (_, problems) = ConfigLoaderTests.parse(Self.config(line))
        #expect(problems.contains { $0.path == path && $0.message.contains(words) }, "\(problems)")
    }
}

/// `trainyard check-config` warns about what is valid but will not work as meant here.
struct CheckConfigWarningTests {
    @Test func missingChromiumAndLinksAreWarnedAbout() throws {
        let (parsed, _) = ConfigLoaderTests.parse(ReviewAppsConfigTests.config("url: \"https://mr-{iid}.example.com\""))
        var config = try #require(parsed)
        let warnings = CheckConfig.warnings(config, chromium: nil)
        #expect(warnings.contains { $0.hasPrefix("review_apps (group/app) check every deploy in Chromium") })
        #expect(warnings.contains { $0.hasPrefix("public_url is not set") })
        config.publicURL = "https://trainyard.example.com"
        #expect(
            CheckConfig.warnings(config, chromium: "/usr/bin/chromium").map { String($0.prefix(21)) } == [
                "link_secret is not se"
            ])
        config.linkSecret = "0123456789abcdef"
        #expect(CheckConfig.warnings(config, chromium: "/usr/bin/chromium").isEmpty)
        let (plain, _) = ConfigLoaderTests.parse(ConfigLoaderTests.valid)
        #expect(CheckConfig.warnings(try #require(plain), chromium: nil).isEmpty, "no review apps, no warnings")
    }
}

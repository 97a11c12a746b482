import Foundation
import Testing

@testable import trainyard

/// The `kind: github` forge: a token or a GitHub App, how it reports, and `required_checks`.
struct GitHubConfigTests {
    static func parse(_ forge: String, project: String = "") -> (TrainyardConfig?, [ConfigProblem]) {
        ConfigLoaderTests.parse(
            """
            forges:
              github:
                kind: github
                url: https://api.github.com
                webhook_secret: a-long-secret
            \(forge)
            projects:
              - forge: github
                path: octo/app
                targets: [main]
            \(project)
            """, environment: [:])
    }

    @Test func aTokenForgeAndRequiredChecksAreRead() throws {
        let (config, problems) = Self.parse("    token: ghp_x", project: "    required_checks: [build, test]")
        #expect(problems.isEmpty, "\(problems)")
        #expect(config?.forges["github"]?.kind == "github" && config?.forges["github"]?.token == "ghp_x")
        #expect(config?.projects.first?.requiredChecks == ["build", "test"])
        #expect(ForgeAdapters.gitBase(ofAPI: URL(string: "https://api.github.com")!) == "https://github.com")
        #expect(
            ForgeAdapters.gitBase(ofAPI: URL(string: "https://ghe.example.com/api/v3/")!) == "https://ghe.example.com")
    }

    @Test func anAppNeedsNoTokenButBothItsKeys() {
        let (config, problems) = Self.parse("    app_id: 12345\n    private_key_file: /etc/trainyard/app.pem")
        #expect(problems.isEmpty, "\(problems)")
        #expect(config?.forges["github"]?.appID == "12345")
        let (_, half) = Self.parse("    app_id: 12345")
        #expect(half.contains { $0.message.contains("both `app_id` and `private_key_file`") })
    }

    @Test(arguments: [
        ("    token: t\n    report: check_run", "only a GitHub App may post check runs"),
        ("    token: t\n    report: banner", "expected `check_run` or `status`"),
        ("", "is required"),
    ])
    func badGitHubSettingsSayWhatToDo(forge: String, words: String) {
        let (_, problems) = Self.parse(forge)
        #expect(problems.contains { $0.description.contains(words) }, "\(problems)")
    }

    @Test func reviewAppsOnGitHubAreRefusedForNow() {
        let (_, problems) = Self.parse("    token: t", project: "    review_apps:\n      deploy: pipeline")
        #expect(problems.contains { $0.message.contains("review apps need a GitLab forge") })
    }

    @Test func anAppKeyThatIsNotOneStopsTheStartWithTheReason() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).pem")
        try Data("not a key".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let forge = TrainyardConfig.Forge(
            name: "github", kind: "github", url: URL(string: "https://api.github.com")!, token: "",
            webhookSecret: "a-long-secret", appID: "1", privateKeyFile: file.path)
        #expect {
            _ = try ForgeAdapters(forge, userAgent: "t", logger: .init(label: "t"))
        } throws: { "\($0)".contains("private_key_file") }
    }
}

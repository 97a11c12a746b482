import Foundation
import Synchronization
import Testing
import TrainyardEngine
import TrainyardForges
import TrainyardTesting

/// A GitHub App's JWT and installation tokens, against the fake GitHub over loopback: the fake
/// checks the RS256 signature with the app's public key and the claims as GitHub does.
struct GitHubAppTokenTests {
    /// Real time plus what the test moved it by, as the fake's clock.
    final class Clock: Sendable {
        let offset = Mutex(TimeInterval(0))
        var now: Date { Date().addingTimeInterval(offset.withLock { $0 }) }
        func advance(_ seconds: TimeInterval) { offset.withLock { $0 += seconds } }
    }

    static func withApp(
        _ body: (FakeGitHub, GitHubInstallationTokens, Clock) async throws -> Void
    ) async throws {
        let github = FakeGitHub()
        try await github.start()
        let pem = try await github.registerApp(id: 4242)
        await github.install(app: 4242, on: "octo/app")
        let clock = Clock()
        let tokens = GitHubInstallationTokens(
            baseURL: github.baseURL, jwt: try GitHubAppJWT(issuer: "4242", privateKeyPEM: pem), now: { clock.now })
        do {
            try await body(github, tokens, clock)
        } catch {
            await github.stop()
            throw error
        }
        await github.stop()
    }

    @Test func theJWTHasGitHubsClaimsAndLastsNineMinutesAhead() async throws {
        let github = FakeGitHub()
        let pem = try await github.registerApp(id: 7)
        let jwt = try GitHubAppJWT(issuer: "7", privateKeyPEM: pem)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let parts = try jwt.token(now: now).split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        func decoded(_ text: String) throws -> [String: Any] {
            var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
            let data = try #require(Data(base64Encoded: base64))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        #expect(try decoded(parts[0])["alg"] as? String == "RS256")
        let claims = try decoded(parts[1])
        #expect(claims["iat"] as? Int == 1_800_000_000 - 60)
        #expect(claims["exp"] as? Int == 1_800_000_000 + 540)
        #expect(claims["iss"] as? String == "7")
    }

    @Test func aTokenIsExchangedOnceAndRenewedFiveMinutesBeforeItEnds() async throws {
        try await Self.withApp { github, tokens, clock in
            let first = try await tokens.token(repository: "octo/app")
            #expect(first.hasPrefix("ghs_"))
            #expect(try await tokens.token(repository: "octo/app") == first)
            clock.advance(3600 - 400)
            await github.advanceClock(by: 3600 - 400)
            #expect(try await tokens.token(repository: "octo/app") == first, "more than five minutes are left")
            clock.advance(200)
            await github.advanceClock(by: 200)
            let renewed = try await tokens.token(repository: "octo/app")
            #expect(renewed != first)
            #expect(await tokens.exchangeCount == 2)
            let paths = await github.requestLog().map { "\($0.method) \($0.path)" }
            #expect(
                paths.filter { $0 == "GET /repos/octo/app/installation" }.count == 1,
                "the installation is looked up once")
        }
    }

    @Test func callersAskingTogetherShareOneExchange() async throws {
        try await Self.withApp { _, tokens, _ in
            _ = try await tokens.token(repository: "octo/app")
            await tokens.invalidate(repository: "octo/app")
            let results = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 { group.addTask { try await tokens.token(repository: "octo/app") } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(results.count == 1)
            #expect(await tokens.exchangeCount == 2)
        }
    }

    @Test func aWrongKeyOrAMissingInstallationSaysWhatToFixAndShowsNoSecret() async throws {
        try await Self.withApp { github, _, _ in
            let other = try await FakeGitHub().registerApp(id: 4242)
            let wrongKey = GitHubInstallationTokens(
                baseURL: github.baseURL, jwt: try GitHubAppJWT(issuer: "4242", privateKeyPEM: other))
            do {
                _ = try await wrongKey.token(repository: "octo/app")
                Issue.record("a JWT signed with another key must be refused")
            } catch {
                let text = "\(error)"
                #expect(text.contains("401") && text.contains("private_key_file") && !text.contains("eyJ"))
            }
            let pem = try await github.registerApp(id: 99)
            let uninstalled = GitHubInstallationTokens(
                baseURL: github.baseURL, jwt: try GitHubAppJWT(issuer: "99", privateKeyPEM: pem))
            await #expect(throws: PermanentError.self) { try await uninstalled.token(repository: "octo/app") }
        }
    }

    @Test func aClockTenMinutesFastIsRefusedWithGitHubsMessage() async throws {
        try await Self.withApp { github, _, _ in
            let pem = try await github.registerApp(id: 5)
            await github.install(app: 5, on: "octo/fast")
            let fast = GitHubInstallationTokens(
                baseURL: github.baseURL, jwt: try GitHubAppJWT(issuer: "5", privateKeyPEM: pem),
                now: { Date().addingTimeInterval(120) })
            do {
                _ = try await fast.token(repository: "octo/fast")
                Issue.record("an exp more than ten minutes ahead of GitHub's clock must be refused")
            } catch {
                #expect("\(error)".contains("too far in the future") && "\(error)".contains("clock"))
            }
        }
    }

    @Test(arguments: ["", "not a key", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"])
    func aPrivateKeyThatIsNotOneIsRefusedWithoutEchoingIt(pem: String) {
        #expect {
            _ = try GitHubAppJWT(issuer: "1", privateKeyPEM: pem)
        } throws: { error in
            let text = "\(error)"
            return text.contains("private_key_file") && (pem.isEmpty || !text.contains(pem))
        }
    }
}

import Foundation
import Logging
import TrainyardEngine
import TrainyardForges
import TrainyardGit

/// The adapters of one configured forge: its REST client, its webhook verifier, the credential
/// git sends it, and where its repositories are cloned from.
struct ForgeAdapters {
    let port: any ForgePort
    let verifier: any WebhookVerifier
    let credential: GitCredential
    /// `https://HOST` that repositories are under (`https://github.com` for `api.github.com`).
    let gitBase: String

    init(_ forge: TrainyardConfig.Forge, userAgent: String, metrics: ServiceMetrics = .none, logger: Logger) throws {
        let base =
            forge.url.absoluteString.hasSuffix("/")
            ? String(forge.url.absoluteString.dropLast())
            : forge.url.absoluteString
        guard forge.kind == "github" else {
            port = GitLabClient(
                baseURL: forge.url, token: forge.token, userAgent: userAgent, metrics: metrics, forgeName: forge.name,
                logger: logger)
            verifier = GitLabWebhookVerifier(forge: forge.name, secret: forge.webhookSecret)
            credential = GitCredential(
                host: forge.url.host ?? "",
                header: "Authorization: Basic " + Data("oauth2:\(forge.token)".utf8).base64EncodedString())
            gitBase = base
            return
        }
        gitBase = Self.gitBase(ofAPI: forge.url)
        let auth: GitHubAuth
        if let appID = forge.appID, let keyFile = forge.privateKeyFile {
            let pem: String
            do {
                pem = try String(contentsOfFile: keyFile, encoding: .utf8)
            } catch {
                throw PermanentError("forge `\(forge.name)`: cannot read `private_key_file` \(keyFile): \(error)")
            }
            auth = .app(
                GitHubInstallationTokens(
                    baseURL: forge.url, jwt: try GitHubAppJWT(issuer: appID, privateKeyPEM: pem), userAgent: userAgent))
        } else {
            auth = .token(forge.token)
        }
        port = GitHubClient(
            baseURL: forge.url, auth: auth, report: forge.report.flatMap(GitHubClient.Report.init(rawValue:)),
            userAgent: userAgent, metrics: metrics, forgeName: forge.name, logger: logger)
        verifier = GitHubWebhookVerifier(forge: forge.name, secret: forge.webhookSecret)
        let host = URL(string: gitBase)?.host ?? ""
        credential = GitCredential(host: host) { repository in
            let token: String
            switch auth {
            case .token(let fixed): token = fixed
            case .app(let tokens): token = try await tokens.token(repository: repository)
            }
            return "Authorization: Basic " + Data("x-access-token:\(token)".utf8).base64EncodedString()
        }
    }

    /// Where a GitHub API's repositories are cloned from: `https://github.com` for
    /// `https://api.github.com`, `https://HOST` for GitHub Enterprise Server's `https://HOST/api/v3`.
    static func gitBase(ofAPI url: URL) -> String {
        var text = url.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        if url.host == "api.github.com" { return "https://github.com" }
        if text.hasSuffix("/api/v3") { text.removeLast("/api/v3".count) }
        return text
    }
}

import Foundation

/// Where a forge shows a merge request and a pipeline to people, for the dashboard's links.
public struct ForgeLinks: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case gitlab, github
    }

    public var kind: Kind
    /// The forge's web address, without a trailing slash: `https://gitlab.example.com`, `https://github.com`.
    public var web: String

    public init(kind: Kind, web: String) {
        self.kind = kind
        self.web = web.hasSuffix("/") ? String(web.dropLast()) : web
    }

    /// The web address of a forge whose API is at `api`: GitLab's API lives under its web address;
    /// GitHub's is `api.github.com` for `github.com`, and `https://HOST/api/v3` on GitHub Enterprise Server.
    public init(kind: Kind, api: URL) {
        var text = api.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        if kind == .github {
            if api.host == "api.github.com" {
                text = "https://github.com"
            } else if text.hasSuffix("/api/v3") {
                text.removeLast("/api/v3".count)
            }
        }
        self.init(kind: kind, web: text)
    }

    /// The merge request's page.
    public func change(project: String, number: Int) -> String {
        switch kind {
        case .gitlab: "\(web)/\(project)/-/merge_requests/\(number)"
        case .github: "\(web)/\(project)/pull/\(number)"
        }
    }

    /// The car's pipeline page (GitLab), or its commit's checks (GitHub, which has no one pipeline).
    public func pipeline(project: String, id: Int?, commit: String?) -> String? {
        switch kind {
        case .gitlab: id.map { "\(web)/\(project)/-/pipelines/\($0)" }
        case .github: commit.map { "\(web)/\(project)/commit/\($0)/checks" }
        }
    }
}

/// A project's `review_apps:` settings: how apps are deployed and stopped, where they answer, how
/// long they live, how many may run, and what the browser check looks at.
public struct ReviewAppSettings: Hashable, Codable, Sendable {
    /// How a deploy or a stop is asked for.
    public enum Method: Hashable, Codable, Sendable {
        /// A pipeline on the merge request's source branch with `TRAINYARD_REVIEW_APP=deploy|stop`,
        /// `TRAINYARD_REVIEW_APP_SLUG` and `TRAINYARD_REVIEW_APP_URL`, which the project's
        /// `.gitlab-ci.yml` acts on.
        case pipeline
        /// A POST of a signed JSON body to the team's own endpoint; a 2xx answer means done.
        case http(url: String, secret: String)
    }

    /// One page the browser check looks at, and what it must show.
    public struct Check: Hashable, Codable, Sendable {
        public var path: String
        /// The status the page must answer with; without one, any status under 400 passes.
        public var expectStatus: Int?
        /// A CSS selector that must match an element.
        public var expectSelector: String?

        public init(path: String, expectStatus: Int? = nil, expectSelector: String? = nil) {
            self.path = path
            self.expectStatus = expectStatus
            self.expectSelector = expectSelector
        }
    }

    public var method: Method
    /// `https://mr-{iid}.review.example.com` (`{iid}` and `{slug}` are filled in); nil to take
    /// the environment's URL from the deploy's answer (GitLab's Deployment Hook).
    public var urlTemplate: String?
    public var ttlHours: Int
    public var maxApps: Int
    public var debounceSeconds: Int
    public var checks: [Check]
    /// The largest share of changed pixels from the previous deploy that still passes.
    public var maxDiffRatio: Double
    /// How long a deployed app may take to answer (a page that cannot be loaded, or answers 502,
    /// 503 or 504, is tried again every few seconds until then).
    public var waitSeconds: Int = 120
    /// The target branch's app (`https://staging.example.com`): a first deploy, which has no
    /// previous deploy to compare with, is compared with the same path there.
    public var baselineURL: String?

    public init(
        method: Method = .pipeline, urlTemplate: String? = nil, ttlHours: Int = 72, maxApps: Int = 10,
        debounceSeconds: Int = 60, checks: [Check] = [Check(path: "/")], maxDiffRatio: Double = 0.01
    ) {
        self.method = method
        self.urlTemplate = urlTemplate
        self.ttlHours = ttlHours
        self.maxApps = maxApps
        self.debounceSeconds = debounceSeconds
        self.checks = checks
        self.maxDiffRatio = maxDiffRatio
    }

    /// The prefix of the environments Trainyard's review apps deploy to; the sweeper looks at
    /// these and at no others.
    public static let environmentPrefix = "review/"

    /// `mr-12`: the app's name in URLs and environments.
    public static func slug(_ number: Int) -> String { "mr-\(number)" }

    /// `review/mr-12`.
    public static func environment(_ number: Int) -> String { environmentPrefix + slug(number) }

    /// The merge request whose app an environment is (`review/mr-12` → 12); nil for others.
    public static func number(ofEnvironment name: String) -> Int? {
        guard name.hasPrefix(environmentPrefix + "mr-") else { return nil }
        let digits = name.dropFirst(environmentPrefix.count + 3)
        guard let number = Int(digits), number > 0, String(number) == digits else { return nil }
        return number
    }

    /// The app's URL from the template; nil without one.
    public func url(_ number: Int) -> String? {
        urlTemplate?.replacing("{iid}", with: String(number)).replacing("{slug}", with: Self.slug(number))
    }

    public var ttlMilliseconds: Int64 { Int64(ttlHours) * 3_600_000 }
    public var debounceMilliseconds: Int64 { Int64(debounceSeconds) * 1_000 }

    /// What is wrong with these settings, as `key: reason`.
    public var problems: [String] {
        var found: [String] = []
        if !(1...8_760).contains(ttlHours) { found.append("ttl_hours: \(ttlHours) is not 1–8760 hours") }
        if !(1...1_000).contains(maxApps) { found.append("max_apps: \(maxApps) is not 1–1000") }
        if !(0...3_600).contains(debounceSeconds) {
            found.append("debounce_seconds: \(debounceSeconds) is not 0–3600 seconds")
        }
        if let baselineURL, !(baselineURL.hasPrefix("https://") || baselineURL.hasPrefix("http://")) {
            found.append("baseline_url: '\(baselineURL)' is not an http or https URL")
        }
        if !(0...1_800).contains(waitSeconds) { found.append("wait_seconds: \(waitSeconds) is not 0–1800 seconds") }
        if !(0...1).contains(maxDiffRatio) { found.append("max_diff_ratio: \(maxDiffRatio) is not from 0 to 1") }
        if let urlTemplate, !(urlTemplate.hasPrefix("https://") || urlTemplate.hasPrefix("http://")) {
            found.append("url: '\(urlTemplate)' is not an http or https URL template")
        }
        for (index, check) in checks.enumerated() where !check.path.hasPrefix("/") {
            found.append("checks[\(index)].path: '\(check.path)' must start with /")
        }
        if case .http(let url, let secret) = method {
            if !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                found.append("deploy.http.url: '\(url)' is not an http or https URL")
            }
            if secret.count < 16 { found.append("deploy.http.secret: use at least 16 characters") }
        }
        return found
    }
}

import Foundation

/// A project whose API is slow: its requests are answered only when a hold ends, while every
/// other project's are answered at once (the fake is an actor, and a held request waits
/// suspended, so it holds nothing else up).
extension FakeGitLab {
    /// Holds every API request about `project` (by path or id) until `duration` from now.
    public func holdAPI(project: String, for duration: Duration) {
        let until = ContinuousClock.now.advanced(by: duration)
        apiHolds[project] = until
        if let id = projectID(path: project) { apiHolds[String(id)] = until }
    }

    /// How many API requests about `project` (by path or id) the fake has answered or is holding.
    public func apiRequests(project: String) -> Int {
        let id = projectID(path: project).map(String.init)
        return requests.filter { request in
            let segments = request.path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
            return segments.count > 3 && segments[2] == "projects" && (segments[3] == project || segments[3] == id)
        }.count
    }

    /// Carries out the next `count` successful POST requests and then answers each with `status`
    /// instead, as GitLab does when it fails after doing the work (a timeout behind a proxy).
    public func failAfterWork(count: Int, status: Int = 500) {
        failuresAfterWork = (count, status)
    }

    func waitForHold(segments: [String]) async {
        guard segments.count > 3, segments.starts(with: ["api", "v4", "projects"]),
            let until = apiHolds[segments[3]], until > .now
        else { return }
        try? await Task.sleep(until: until)
    }
}

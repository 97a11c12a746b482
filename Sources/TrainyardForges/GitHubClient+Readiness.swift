import Foundation
import TrainyardCore
import TrainyardEngine

/// Whether a pull request is ready to go on a train, as GitHub sees it.
extension GitHubClient {
    /// Reviews (`GET …/pulls/:n/reviews`: each reviewer's latest approving or change-requesting
    /// review counts), the review count the target's branch protection requires (none when there
    /// is no readable protection), `mergeable` for conflicts, and the head's checks: the required
    /// ones when the target has some, else every check that reported.
    public func unreadiness(
        project: ProjectSettings, change: MergeRequestInfo, checks: Set<MergeCheck>
    ) async throws -> [String] {
        let repository = project.key.path
        var missing: [String] = []
        var reviews: [String: String]?
        func latestReviews() async throws -> [String: String] {
            if let reviews { return reviews }
            struct Review: Decodable {
                struct User: Decodable { let login: String }
                let user: User?
                let state: String
            }
            var latest: [String: String] = [:]
            for page in 1...Self.maxPages {
                let list: [Review] = try decode(
                    try await send(
                        "GET", "repos/\(repository)/pulls/\(change.number)/reviews", repository: repository,
                        query: ["per_page": "100", "page": String(page)]), "the reviews of #\(change.number)")
                for review in list where ["APPROVED", "CHANGES_REQUESTED", "DISMISSED"].contains(review.state) {
                    if let login = review.user?.login { latest[login] = review.state }
                }
                if list.count < 100 { break }
            }
            reviews = latest
            return latest
        }
        for check in checks.sorted() {
            switch check {
            case .approvals:
                let required = try await requiredApprovals(repository: repository, target: change.target)
                let approved = try await latestReviews().values.filter { $0 == "APPROVED" }.count
                if approved < required {
                    let left = required - approved
                    missing.append(left == 1 ? "1 more approving review" : "\(left) more approving reviews")
                }
            case .discussions:
                let requesting = try await latestReviews().filter { $0.value == "CHANGES_REQUESTED" }.keys.sorted()
                if !requesting.isEmpty {
                    missing.append("the changes \(requesting.map { "@\($0)" }.joined(separator: ", ")) requested")
                }
            case .pipeline:
                let required = try await required(project: project, target: change.target)
                let (_, reports) = try await reports(repository: repository, ref: change.head.value)
                let names = required.isEmpty ? Set(reports.map(\.name)) : required
                if names.isEmpty {
                    missing.append("checks that passed on its head \(change.head.short) (none has reported)")
                    continue
                }
                let state = CheckVerdict.state(required: names, reports: reports)
                if state != .success {
                    let failing = reports.filter { names.contains($0.name) && $0.outcome == .failed }.map(\.name)
                    let detail =
                        failing.isEmpty
                        ? "still running or missing" : "failing: \(failing.sorted().joined(separator: ", "))"
                    missing.append("checks that passed on its head \(change.head.short) (\(detail))")
                }
            case .conflicts:
                struct Pull: Decodable { let mergeable: Bool? }
                let pull: Pull = try decode(
                    try await send("GET", "repos/\(repository)/pulls/\(change.number)", repository: repository),
                    "pull request #\(change.number)")
                if pull.mergeable == false { missing.append("its conflicts with `\(change.target)` resolved") }
            }
        }
        return missing
    }

    /// The approving reviews the target's branch protection requires; 0 when it requires none or
    /// Trainyard may not read it.
    func requiredApprovals(repository: String, target: String) async throws -> Int {
        struct Reviews: Decodable { let required_approving_review_count: Int? }
        let branch = target.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? target
        do {
            let reviews: Reviews = try decode(
                try await send(
                    "GET", "repos/\(repository)/branches/\(branch)/protection/required_pull_request_reviews",
                    repository: repository), "the review rules of \(target)")
            return reviews.required_approving_review_count ?? 0
        } catch let error as PermanentError where error.description.contains("404") || error.description.contains("403")
        {
            return 0
        }
    }
}

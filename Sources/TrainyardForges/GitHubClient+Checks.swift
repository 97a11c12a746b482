import Foundation
import TrainyardCore
import TrainyardEngine

/// A car's CI on GitHub. Nothing is created: pushing the car's branch starts the workflows that
/// run on `trainyard/**` branches, and other CI reports checks on the commit. The car's
/// "pipeline" is the set of its required checks (from the target's branch protection, its
/// rulesets and `required_checks`), read as one verdict with ``CheckVerdict``.
extension GitHubClient {
    /// Returns a fresh id for the car's checks (an id per start, so that a restarted car's
    /// late results are told apart); a restart re-runs the workflow runs that failed or were
    /// cancelled on the commit. Refuses a target with no required check: nothing would say when
    /// CI is over.
    public func createPipeline(project: ProjectSettings, ref: String, commit: SHA) async throws -> (
        id: PipelineID, sha: SHA
    ) {
        let target = TrainEngine.car(fromRef: ref)?.target ?? ref
        let required = try await required(project: project, target: target)
        guard !required.isEmpty else {
            throw PermanentError(
                "`\(target)` requires no check on GitHub, so nothing says when a car's CI is over; require the "
                    + "checks in the branch's protection or a ruleset, or list them under `required_checks`")
        }
        try await rerunFinishedRuns(project: project, commit: commit)
        return (PipelineID(Int(Date().timeIntervalSince1970 * 1000)), commit)
    }

    /// An id alone names nothing on GitHub: a car's runs are cancelled by its branch
    /// (``cancelCarPipeline(project:id:branch:)``), which is what the engine calls.
    public func cancelPipeline(project: ProjectSettings, pipeline: PipelineID) async throws {
        throw PermanentError("a GitHub car's workflow runs are cancelled by its branch, not by id \(pipeline)")
    }

    /// An id alone names nothing on GitHub: a car's checks are read by its branch
    /// (``carPipeline(project:id:branch:)``), which is what the engine calls.
    public func pipeline(project: ProjectSettings, id: PipelineID) async throws -> (status: String, sha: SHA) {
        throw PermanentError("a GitHub car's checks are read by its branch, not by id \(id)")
    }

    public func carPipeline(
        project: ProjectSettings, id: PipelineID, branch: String
    ) async throws -> (status: String, sha: SHA) {
        let repository = project.key.path
        let target = TrainEngine.car(fromRef: branch)?.target ?? branch
        let required = try await required(project: project, target: target)
        let (sha, reports) = try await reports(repository: repository, ref: branch)
        let state = CheckVerdict.state(required: required, reports: reports)
        logger.debug(
            "car checks read",
            metadata: [
                "branch": "\(branch)", "state": "\(state)", "required": "\(required.sorted())",
                "missing": "\(CheckVerdict.missing(required: required, reports: reports))",
            ])
        return (Self.word(state), sha)
    }

    /// Cancels the workflow runs still going on the car's branch.
    public func cancelCarPipeline(project: ProjectSettings, id: PipelineID, branch: String) async throws {
        let repository = project.key.path
        for run in try await workflowRuns(repository: repository, query: ["branch": branch])
        where run.status != "completed" {
            _ = try await send("POST", "repos/\(repository)/actions/runs/\(run.id)/cancel", repository: repository)
        }
    }

    static func word(_ state: PipelineState) -> String {
        switch state {
        case .pending: return "pending"
        case .running: return "running"
        case .success: return "success"
        case .failed: return "failed"
        case .canceled: return "canceled"
        }
    }

    struct WorkflowRun: Decodable {
        let id: Int
        let status: String?
        let conclusion: String?
    }

    func workflowRuns(repository: String, query: [String: String]) async throws -> [WorkflowRun] {
        struct Page: Decodable { let workflow_runs: [WorkflowRun] }
        let page: Page = try decode(
            try await send(
                "GET", "repos/\(repository)/actions/runs", repository: repository,
                query: query.merging(["per_page": "100"]) { given, _ in given }), "workflow runs")
        return page.workflow_runs
    }

    /// A restarted car: the workflow runs on its commit that ended without success run again.
    func rerunFinishedRuns(project: ProjectSettings, commit: SHA) async throws {
        let repository = project.key.path
        for run in try await workflowRuns(repository: repository, query: ["head_sha": commit.value])
        where run.status == "completed" && !["success", "neutral", "skipped"].contains(run.conclusion ?? "") {
            _ = try await send("POST", "repos/\(repository)/actions/runs/\(run.id)/rerun", repository: repository)
        }
    }

    /// The latest check runs and commit statuses on `ref`'s commit, and that commit.
    func reports(repository: String, ref: String) async throws -> (SHA, [CheckVerdict.Report]) {
        struct Runs: Decodable {
            struct Run: Decodable {
                let name: String
                let head_sha: String
                let status: String
                let conclusion: String?
            }
            let check_runs: [Run]
        }
        struct Combined: Decodable {
            struct Status: Decodable {
                let context: String
                let state: String
            }
            let sha: String
            let statuses: [Status]
        }
        let encoded = ref.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? ref
        let combined: Combined = try decode(
            try await send(
                "GET", "repos/\(repository)/commits/\(encoded)/status", repository: repository,
                query: ["per_page": "100"]), "the statuses of \(ref)")
        guard let sha = SHA(validating: combined.sha) else {
            throw PermanentError("GitHub gave no commit for \(ref)")
        }
        let runs: Runs = try decode(
            try await send(
                "GET", "repos/\(repository)/commits/\(sha.value)/check-runs", repository: repository,
                query: ["per_page": "100", "filter": "latest"]), "the check runs of \(ref)")
        let reports =
            runs.check_runs.filter { $0.name != statusName }.map {
                CheckVerdict.Report(
                    name: $0.name, outcome: CheckVerdict.checkRun(status: $0.status, conclusion: $0.conclusion))
            }
            + combined.statuses.filter { $0.context != statusName }.map {
                CheckVerdict.Report(name: $0.context, outcome: CheckVerdict.commitStatus($0.state))
            }
        return (sha, reports)
    }
}

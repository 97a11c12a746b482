/// Who may do what: project access levels and draft merge requests.
extension FakeGitLab {
    /// Sets `username`'s access level in every project (GitLab's numbers: 0 none, 10 Guest,
    /// 20 Reporter, 30 Developer, 40 Maintainer). Users not set are Developers.
    public func setAccessLevel(username: String, level: Int) {
        _ = user(username)
        accessLevels[username] = level
    }

    /// Blocks `username`, as a GitLab administrator can: the user keeps their memberships.
    public func block(username: String) {
        _ = user(username)
        blocked.insert(username)
    }

    /// Marks a merge request as a draft, or ready.
    public func setDraft(project: String, iid: Int, _ draft: Bool = true) {
        guard let id = projectID(path: project) else { return }
        if draft { drafts.insert([id, iid]) } else { drafts.remove([id, iid]) }
    }

    /// The numeric id of a user, made up on first mention as everywhere in the fake.
    public func userID(_ username: String) -> Int { user(username).id }
}

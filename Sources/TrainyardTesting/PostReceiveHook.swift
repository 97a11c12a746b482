import Foundation

/// The `hooks/post-receive` script of the fake's bare repositories.
///
/// git runs it after every push that changed refs, whoever pushed. It sends the pushed ref updates
/// (`old new ref` lines from its standard input), the push options (`GIT_PUSH_OPTION_COUNT`,
/// `GIT_PUSH_OPTION_<i>`) and the pusher (`GL_USERNAME`, as GitLab's own hooks get it) to
/// `POST /-/fake/post-receive?project=<id>`, as text lines:
///
///     user alice
///     option ci.skip
///     update <old> <new> refs/heads/main
///
/// The fake's port is read at run time from a file the fake writes when it starts, so the script
/// stays valid across restarts.
enum PostReceiveHook {
    /// How the script talks HTTP.
    enum Transport: Sendable {
        /// `curl`, when it is in `PATH`.
        case curl
        /// bash's `/dev/tcp`, for machines without curl.
        case bashTCP

        /// curl when it can be found, bash otherwise, `nil` when there is neither.
        static func detect() -> Transport? {
            if findExecutable("curl") != nil { return .curl }
            if findExecutable("bash") != nil { return .bashTCP }
            return nil
        }

        private static func findExecutable(_ name: String) -> String? {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            return path.split(separator: ":")
                .map { "\($0)/\(name)" }
                .first { FileManager.default.isExecutableFile(atPath: $0) }
        }
    }

    /// The script for project `projectID`, reading the fake's port from `portFile`.
    static func script(projectID: Int, portFile: URL, transport: Transport) -> String {
        let collect = """
            port=$(cat \(shellQuoted(portFile.path)) 2>/dev/null)
            if [ -z "$port" ]; then
              echo "FakeGitLab is not running: push not reported" >&2
              exit 1
            fi
            body=$(
              printf 'user %s\\n' "${GL_USERNAME:-}"
              i=0
              while [ "$i" -lt "${GIT_PUSH_OPTION_COUNT:-0}" ]; do
                eval "value=\\${GIT_PUSH_OPTION_$i}"
                printf 'option %s\\n' "$value"
                i=$((i + 1))
              done
              while read -r old new ref; do
                printf 'update %s %s %s\\n' "$old" "$new" "$ref"
              done
            )
            target="/-/fake/post-receive?project=\(projectID)"
            """
        switch transport {
        case .curl:
            return """
                #!/bin/sh
                # Installed by FakeGitLab: reports this push to the fake.
                \(collect)
                printf '%s\\n' "$body" | curl --silent --show-error --fail --max-time 60 --output /dev/null \\
                  --header 'Content-Type: text/plain' --data-binary @- "http://127.0.0.1:${port}${target}"

                """
        case .bashTCP:
            return """
                #!/usr/bin/env bash
                # Installed by FakeGitLab: reports this push to the fake (curl was not found, so bash's /dev/tcp).
                export LC_ALL=C
                \(collect)
                body="${body}"$'\\n'
                exec 3<>"/dev/tcp/127.0.0.1/${port}" || exit 1
                printf 'POST %s HTTP/1.1\\r\\nHost: 127.0.0.1:%s\\r\\nContent-Type: text/plain\\r\\nContent-Length: %s\\r\\nConnection: close\\r\\n\\r\\n%s' \\
                  "$target" "$port" "${#body}" "$body" >&3
                IFS= read -r status <&3
                cat <&3 >/dev/null
                case "$status" in
                  "HTTP/1.1 200"*) exit 0 ;;
                  *) echo "FakeGitLab did not accept the push report: $status" >&2; exit 1 ;;
                esac

                """
        }
    }

    private static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

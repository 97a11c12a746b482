import ArgumentParser
import Foundation
import TrainyardForges

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `trainyard replay FILE --to URL [--secret-from CONFIG]`: sends one example delivery to a
/// running Trainyard, signed as its source would sign it, to check a set-up end to end.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Send an example delivery (webhooks/<source>/*.http) to a running Trainyard.",
        discussion: """
            With --secret-from, the delivery carries the credentials its source would send, taken from
            that configuration file: the forge's webhook_secret, Slack's request signature, the
            Mattermost token. Prints the answer's status and body; exits with 1 on a 4xx or 5xx.
            """)

    @Argument(help: "The example delivery, for example webhooks/gitlab/note_hook_merge.http.")
    var file: String

    @Option(help: "The Trainyard to send it to, for example http://127.0.0.1:8080.")
    var to: String

    @Option(name: .customLong("secret-from"), help: "A configuration file to take the secrets from.")
    var secretFrom: String?

    func run() async throws {
        guard let base = URL(string: to), base.scheme == "http" || base.scheme == "https" else {
            throw ValidationError("--to must be an http or https address, such as http://127.0.0.1:8080")
        }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let recorded: RecordedDelivery
        let request: URLRequest
        do {
            recorded = try RecordedDelivery(text)
            request = try recorded.request(to: base, config: try secretFrom.map { try ConfigLoader.load(file: $0) })
        } catch let failure as ValidationFailure {
            throw ValidationError("\(file): \(failure)")
        }
        let (data, response) = try await URLSession.shared.uncancellableData(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        print("\(recorded.method) \(recorded.path) -> \(status)")
        print(String(decoding: data, as: UTF8.self))
        if status >= 400 { throw ExitCode(1) }
    }
}

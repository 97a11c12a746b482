import Foundation

/// Collects what one tab's events say while a page loads: the main document's status, console
/// errors, uncaught exceptions, failed requests, bytes received, the load event, and whether the
/// tab crashed. Events arrive on the connection's actor; the check reads the figures afterwards.
final class PageObserver: @unchecked Sendable {
    private let lock = NSLock()
    private var urls: [String: String] = [:]
    private(set) var documentStatus: Int?
    private var documentLoader: String?
    private(set) var consoleErrors: [String] = []
    private(set) var exceptions: [String] = []
    private(set) var failedRequests: [String] = []
    private(set) var bytes = 0
    private(set) var loaded = false
    private(set) var crashed: String?

    /// The most messages of each kind kept (a page that logs in a loop is not kept whole).
    static let keep = 50

    func expectDocument(loader: String?) { lock.withLock { documentLoader = loader } }

    var snapshot: (status: Int?, console: [String], exceptions: [String], failed: [String], bytes: Int) {
        lock.withLock { (documentStatus, consoleErrors, exceptions, failedRequests, bytes) }
    }
    var hasLoaded: Bool { lock.withLock { loaded } }
    var crash: String? { lock.withLock { crashed } }

    func take(_ event: DevToolsEvent) {
        lock.withLock { apply(event) }
    }

    private func apply(_ event: DevToolsEvent) {
        switch event.method {
        case "Network.requestWillBeSent":
            if let sent = event.decode(RequestSent.self) { urls[sent.requestId] = sent.request.url }
        case "Network.responseReceived":
            guard let received = event.decode(ResponseReceived.self) else { return }
            // The main frame's navigation is the loader `Page.navigate` named; a frame's is another.
            let main = documentLoader.map { received.loaderId == $0 } ?? (documentStatus == nil)
            if received.type == "Document", main {
                documentStatus = received.response.status
            } else if received.response.status >= 400, !Self.isFavicon(received.response.url) {
                note(&failedRequests, "\(Self.short(received.response.url)): status \(received.response.status)")
            }
        case "Network.loadingFinished":
            if let finished = event.decode(LoadingFinished.self) { bytes += Int(finished.encodedDataLength) }
        case "Network.loadingFailed":
            guard let failed = event.decode(LoadingFailed.self), failed.canceled != true else { return }
            let url = urls[failed.requestId].map(Self.short) ?? "a request"
            note(&failedRequests, "\(url): \(failed.errorText)")
        case "Runtime.consoleAPICalled":
            guard let call = event.decode(ConsoleCall.self), call.type == "error" || call.type == "assert" else {
                return
            }
            let text = call.args.map { $0.text }.joined(separator: " ")
            note(&consoleErrors, text.isEmpty ? "console.\(call.type)()" : text)
        case "Runtime.exceptionThrown":
            guard let thrown = event.decode(ExceptionThrown.self) else { return }
            let details = thrown.exceptionDetails
            note(&exceptions, details.exception?.description ?? details.text)
        case "Log.entryAdded":
            guard let added = event.decode(LogEntry.self), added.entry.level == "error",
                !Self.isFavicon(added.entry.url)
            else { return }
            let place = added.entry.url.map { " (\(Self.short($0)))" } ?? ""
            note(&consoleErrors, added.entry.text + place)
        case "Page.loadEventFired":
            loaded = true
        case "Inspector.targetCrashed":
            crashed = "the page crashed the browser's renderer"
        case "Trainyard.closed":
            crashed = crashed ?? "the browser went away"
        default:
            break
        }
    }

    private func note(_ list: inout [String], _ text: String) {
        guard list.count < Self.keep else { return }
        list.append(String(text.prefix(500)))
    }

    /// The browser asks for `/favicon.ico` by itself; a site without one is not broken.
    static func isFavicon(_ url: String?) -> Bool {
        guard let url, let path = URL(string: url)?.path else { return false }
        return path == "/favicon.ico"
    }

    /// A URL cut to 200 characters (data URLs are long).
    static func short(_ url: String) -> String { url.count > 200 ? String(url.prefix(200)) + "…" : url }

    private struct RequestSent: Decodable {
        struct Request: Decodable { let url: String }
        let requestId: String
        let request: Request
    }
    private struct ResponseReceived: Decodable {
        struct Response: Decodable {
            let url: String
            let status: Int
        }
        let requestId: String
        let loaderId: String?
        let type: String?
        let response: Response
    }
    private struct LoadingFinished: Decodable {
        let requestId: String
        let encodedDataLength: Double
    }
    private struct LoadingFailed: Decodable {
        let requestId: String
        let errorText: String
        let canceled: Bool?
    }
    private struct RemoteObject: Decodable {
        let value: JSONScalar?
        let description: String?
        var text: String { value?.text ?? description ?? "" }
    }
    private struct ConsoleCall: Decodable {
        let type: String
        let args: [RemoteObject]
    }
    private struct ExceptionThrown: Decodable {
        struct Details: Decodable {
            let text: String
            let exception: RemoteObject?
        }
        let exceptionDetails: Details
    }
    private struct LogEntry: Decodable {
        struct Entry: Decodable {
            let level: String
            let text: String
            let url: String?
        }
        let entry: Entry
    }
}

/// A console argument's value: a string, number or boolean, shown as text.
enum JSONScalar: Decodable {
    case text(String)
    case number(Double)
    case bool(Bool)
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else {
            self = .other
        }
    }

    var text: String? {
        switch self {
        case .text(let text): text
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? "\(Int(number))" : "\(number)"
        case .bool(let bool): "\(bool)"
        case .other: nil
        }
    }
}

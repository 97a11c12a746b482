import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension URLSession {
    /// Sends a request and waits for its answer, ignoring cancellation of the calling task.
    ///
    /// On Linux, cancelling a task that is inside `URLSession.data(for:)` can deadlock
    /// swift-corelibs-foundation: the cancellation handler waits on the session's queue while that
    /// queue waits to resume the task (seen here when a service shut down mid-request). A request
    /// is bounded by its `timeoutInterval` instead, so a shutdown waits at most that long.
    public func uncancellableData(for request: URLRequest) async throws -> (Data, URLResponse) {
        try await withCheckedThrowingContinuation { continuation in
            let task = dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else if let response {
                    continuation.resume(returning: (data ?? Data(), response))
                } else {
                    continuation.resume(throwing: URLError(.badServerResponse))
                }
            }
            task.resume()
        }
    }
}

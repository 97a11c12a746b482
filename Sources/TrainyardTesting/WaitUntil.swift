import Foundation

/// Thrown by ``waitUntil(timeout:_:fileID:line:)`` when its condition did not become true in time.
public struct WaitUntilTimeout: Error, CustomStringConvertible {
    /// How long the condition was polled.
    public let timeout: Duration
    /// Where `waitUntil` was called.
    public let fileID: String
    /// The line of the call.
    public let line: Int

    public var description: String {
        "waitUntil timed out after \(timeout): the condition at \(fileID):\(line) never became true"
    }
}

/// Polls `condition` every 20 ms until it returns `true`.
///
/// Use it instead of sleeps to wait for things the fake does in the background (webhook deliveries,
/// pipelines finishing). Errors thrown by `condition` are passed on at once.
/// - Throws: ``WaitUntilTimeout`` when `timeout` passes first.
public func waitUntil(
    timeout: Duration = .seconds(30),
    _ condition: @Sendable () async throws -> Bool,
    fileID: String = #fileID,
    line: Int = #line
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
        if try await condition() { return }
        if clock.now >= deadline {
            throw WaitUntilTimeout(timeout: timeout, fileID: fileID, line: line)
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

import Crypto
import Foundation

/// Signed, expiring links to the review apps' screenshots and difference images (they can show
/// private data): `BASE/review-apps/files/PATH?expires=UNIX&signature=HEX`, where the signature is
/// HMAC-SHA256 of `PATH\nEXPIRES` with the service's link secret. Only files under the screenshot
/// folder are ever served.
public struct ScreenshotLinks: Sendable {
    /// The folder the screenshots are kept in.
    public let root: String
    /// Trainyard's public address (`public_url`), without a trailing `/`.
    public let baseURL: String
    let key: SymmetricKey
    /// How long a link works, in seconds.
    public let lifetime: Int

    public init(root: String, baseURL: String, secret: String, lifetime: Int = 7 * 86_400) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.key = SymmetricKey(data: Data(secret.utf8))
        self.lifetime = lifetime
    }

    func signature(_ relative: String, expires: Int) -> String {
        HMAC<SHA256>.authenticationCode(for: Data("\(relative)\n\(expires)".utf8), using: key)
            .map { String(format: "%02x", $0) }.joined()
    }

    /// The link to `path` (a file under ``root``), valid for ``lifetime`` from `now`; nil for a
    /// file elsewhere.
    public func link(_ path: String, now: Date = Date()) -> String? {
        let full = URL(fileURLWithPath: path).standardizedFileURL.path
        guard full.hasPrefix(root + "/") else { return nil }
        let relative = String(full.dropFirst(root.count + 1))
        let expires = Int(now.timeIntervalSince1970) + lifetime
        let encoded = relative.addingPercentEncoding(
            withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._")))
        return
            "\(baseURL)/review-apps/files/\(encoded ?? "")?expires=\(expires)&signature=\(signature(relative, expires: expires))"
    }

    /// The file a link names, when its signature is right, it has not expired, and it stays under
    /// ``root``; else why not.
    public func file(_ relative: String, expires: String?, signature given: String?, now: Date = Date())
        -> Result<String, LinkRefusal>
    {
        guard let expires, let time = Int(expires), let given else { return .failure(.unsigned) }
        guard ConstantTimeHex.equals(given, signature(relative, expires: time)) else { return .failure(.badSignature) }
        guard time >= Int(now.timeIntervalSince1970) else { return .failure(.expired) }
        let full = URL(fileURLWithPath: root).appendingPathComponent(relative).standardizedFileURL.path
        guard full.hasPrefix(root + "/"), !relative.contains("..") else { return .failure(.badSignature) }
        return .success(full)
    }

    public enum LinkRefusal: Error, Sendable {
        case unsigned, badSignature, expired
    }
}

/// Compares two strings in time that depends on their length only.
enum ConstantTimeHex {
    static func equals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

import Crypto
import Foundation
import TrainyardEngine
import _CryptoExtras

/// The JSON Web Token a GitHub App signs to speak as itself (RS256 with its private key), which
/// it exchanges for installation tokens. `iat` is a minute in the past against clock drift and
/// `exp` nine minutes ahead: GitHub refuses an `exp` ten or more minutes ahead, which a slightly
/// fast local clock would otherwise reach.
public struct GitHubAppJWT: Sendable {
    /// The app's id (or its client id), the token's `iss`.
    public let issuer: String
    let key: _RSA.Signing.PrivateKey

    /// Reads the private key GitHub gives as a PEM file (`-----BEGIN RSA PRIVATE KEY-----`, or
    /// PKCS #8). Throws with what is wrong, never with the key's text.
    public init(issuer: String, privateKeyPEM: String) throws {
        self.issuer = issuer
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw PermanentError(
                "the GitHub App's private key is not an RSA private key in PEM form; download a new one from the app's "
                    + "settings (Private keys) and point `private_key_file` at it")
        }
    }

    /// A token valid from a minute before `now` until nine minutes after it.
    public func token(now: Date) throws -> String {
        let issued = Int(now.timeIntervalSince1970) - 60
        let header = Self.base64URL(Data(#"{"alg":"RS256","typ":"JWT"}"#.utf8))
        let claims = Self.base64URL(
            Data(#"{"iat":\#(issued),"exp":\#(issued + 600),"iss":"\#(Self.escaped(issuer))"}"#.utf8))
        let input = Data("\(header).\(claims)".utf8)
        let signature = try key.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5)
        return "\(header).\(claims).\(Self.base64URL(signature.rawRepresentation))"
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// An issuer is digits or a client id (`Iv1.…`); anything that could break the JSON is dropped.
    static func escaped(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "\"" && $0 != "\\" && $0.value >= 0x20 }.map(Character.init))
    }
}

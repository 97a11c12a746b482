import Crypto
import Foundation
import Hummingbird
import _CryptoExtras

/// Request handling of the fake GitHub: authentication (tokens and app JWTs) and the routes.
extension FakeGitHub {
    /// Who a request speaks as.
    enum Caller: Equatable {
        case person
        case app(Int)
        case installation(Int)
    }

    func respond(_ request: Request) async -> Response {
        let arrived = Date()
        guard let request = try? await FakeHTTPRequest(request) else {
            return FakeHTTPResponse.message(400, "Problems parsing JSON").hummingbirdResponse
        }
        var response: FakeHTTPResponse
        if request.segments.starts(with: ["-", "fake", "post-receive"]) {
            return await handlePostReceive(request).hummingbirdResponse
        } else if !injected.isEmpty {
            response = injected.removeFirst()
        } else {
            response = await answer(request)
        }
        if request.method == "GET", response.status == 200 {
            let etag = "\"\(Self.fingerprint(response.body))\""
            response.headers["etag"] = etag
            if request.headers["if-none-match"] == etag {
                response = FakeHTTPResponse(status: 304, body: Data(), headers: ["etag": etag])
            }
        }
        let authorization = request.headers["authorization"]
        requests.append(
            LoggedRequest(
                method: request.method, path: request.path,
                scheme: authorization?.split(separator: " ").first.map(String.init), status: response.status,
                body: String(decoding: request.body, as: UTF8.self), at: arrived))
        return response.hummingbirdResponse
    }

    func answer(_ request: FakeHTTPRequest) async -> FakeHTTPResponse {
        var segments = request.segments
        if segments.starts(with: ["api", "v3"]) { segments.removeFirst(2) }
        let caller: Caller
        switch authenticate(request.headers["authorization"]) {
        case .success(let found): caller = found
        case .failure(let refusal): return refusal.response
        }
        let method = request.method
        if method == "POST", segments.count == 4, segments[0] == "app", segments[1] == "installations",
            segments[3] == "access_tokens", let installation = Int(segments[2])
        {
            return issueToken(installation: installation, caller: caller)
        }
        if method == "GET", segments.count == 2, segments[0] == "users" {
            guard let id = users[segments[1]] else { return Self.notFound }
            return .json(200, ["login": .string(segments[1]), "id": .int(id), "type": "User"])
        }
        if method == "GET", segments.count == 2, segments[0] == "user", let id = Int(segments[1]) {
            guard let login = users.first(where: { $0.value == id })?.key else { return Self.notFound }
            return .json(200, userJSON(login))
        }
        guard segments.count >= 3, segments[0] == "repos" else { return Self.notFound }
        let repository = "\(segments[1])/\(segments[2])"
        let rest = Array(segments.dropFirst(3))
        if method == "GET", rest == ["installation"] {
            guard case .app(let app) = caller else {
                return .message(401, "A JSON web token could not be decoded")
            }
            guard let installation = installations[repository], installation.app == app else { return Self.notFound }
            return .json(200, ["id": .int(installation.id), "app_id": .int(app)])
        }
        guard mayUse(repository, caller) else { return Self.notFound }
        guard rest.first == "hooks" else {
            return await answerRepository(method, repository, rest, request, caller: caller)
        }
        return answerHooks(method, repository: repository, rest: Array(rest.dropFirst()), body: request.body)
    }

    static let notFound = FakeHTTPResponse.json(
        404, ["message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"])

    struct Refusal: Error {
        let response: FakeHTTPResponse
    }

    func authenticate(_ header: String?) -> Result<Caller, Refusal> {
        let badCredentials = Refusal(
            response: .json(
                401,
                ["message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"]))
        guard let header else { return .failure(badCredentials) }
        let parts = header.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["token", "bearer"].contains(parts[0].lowercased()) else {
            return .failure(badCredentials)
        }
        let credential = parts[1]
        if credential == personalToken { return .success(.person) }
        if let grant = grants[credential] {
            return grant.expires > now ? .success(.installation(grant.installation)) : .failure(badCredentials)
        }
        if parts[0].lowercased() == "bearer", credential.split(separator: ".").count == 3 {
            return verifyJWT(credential)
        }
        return .failure(badCredentials)
    }

    /// Checks an app's JWT as GitHub does: RS256 by the app's key, `iat` not in the future
    /// (a minute of drift allowed), `exp` in the future and at most ten minutes ahead.
    func verifyJWT(_ jwt: String) -> Result<Caller, Refusal> {
        func refuse(_ message: String) -> Result<Caller, Refusal> {
            .failure(Refusal(response: .message(401, message)))
        }
        let parts = jwt.split(separator: ".").map(String.init)
        struct Claims: Decodable {
            let iat: Int
            let exp: Int
            let iss: String
        }
        guard let payload = Self.base64URLDecoded(parts[1]), let signature = Self.base64URLDecoded(parts[2]),
            let claims = try? JSONDecoder().decode(Claims.self, from: payload), let id = Int(claims.iss),
            let app = apps[id]
        else { return refuse("A JSON web token could not be decoded") }
        let input = Data("\(parts[0]).\(parts[1])".utf8)
        guard
            app.publicKey.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: input),
                padding: .insecurePKCS1v1_5)
        else { return refuse("A JSON web token could not be decoded") }
        let clock = Int(now.timeIntervalSince1970)
        if claims.exp - clock > 600 {
            return refuse("'Expiration time' claim ('exp') is too far in the future")
        }
        if claims.exp <= clock {
            return refuse(
                "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
            )
        }
        if claims.iat > clock + 60 {
            return refuse(
                "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued")
        }
        return .success(.app(id))
    }

    /// A short stable digest of a body, for ETags.
    static func fingerprint(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    static func base64URLDecoded(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }

    func issueToken(installation: Int, caller: Caller) -> FakeHTTPResponse {
        guard case .app(let app) = caller else {
            return .message(401, "A JSON web token could not be decoded")
        }
        guard installations.values.contains(where: { $0.id == installation && $0.app == app }) else {
            return Self.notFound
        }
        let token = "ghs_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let expires = now.addingTimeInterval(tokenLifetime)
        grants[token] = Grant(installation: installation, expires: expires)
        return .json(
            201,
            [
                "token": .string(token), "expires_at": .string(ISO8601DateFormatter().string(from: expires)),
                "permissions": ["contents": "write", "checks": "write", "pull_requests": "write"],
                "repository_selection": "selected",
            ])
    }

    /// A person's token reaches every repository; an installation's only those it is installed on.
    func mayUse(_ repository: String, _ caller: Caller) -> Bool {
        switch caller {
        case .person: return true
        case .app: return false
        case .installation(let id): return installations[repository]?.id == id
        }
    }
}

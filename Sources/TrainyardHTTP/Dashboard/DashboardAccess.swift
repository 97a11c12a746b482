import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Who may read the dashboard. With `access: open` anyone who reaches it may (a private network,
/// or the team's SSO proxy in front). With `access: token` a request needs a token from
/// `api.tokens` or `dashboard.token`: as `Authorization: Bearer <token>`, or once as `?token=`
/// in the address, which sets a cookie and sends the browser on without it.
struct DashboardAccess: Sendable {
    static let cookie = "trainyard_dashboard"

    let settings: DashboardSettings
    let apiTokens: [String]

    var tokens: [String] { settings.tokens + apiTokens }

    /// The cookie holds the token's SHA-256 (hex), never the token itself.
    static func digest(_ token: some StringProtocol) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    func matches(_ token: some StringProtocol) -> Bool {
        var matched = false
        for candidate in tokens where ConstantTimeEquality.equals(candidate, token) { matched = true }
        return matched
    }

    func matchesDigest(_ digest: String) -> Bool {
        var matched = false
        for candidate in tokens where ConstantTimeEquality.equals(Self.digest(candidate), digest) { matched = true }
        return matched
    }

    /// nil when the request may be answered; otherwise the answer: a redirect that sets the
    /// cookie, or `401` with a page that says what to do.
    func refusal(_ request: Request, page: (String) -> String) -> Response? {
        guard settings.access == .token else { return nil }
        if let value = request.headers[.authorization], value.hasPrefix("Bearer "),
            matches(value.dropFirst("Bearer ".count))
        {
            return nil
        }
        if let cookie = request.cookies[Self.cookie], matchesDigest(cookie.value) { return nil }
        if let token = request.uri.queryParameters.get("token") {
            guard matches(token) else { return denied("The token in the address is not one of the dashboard's.", page) }
            var response = Response(status: .seeOther, headers: [.location: request.uri.path])
            response.setCookie(
                Cookie(
                    name: Self.cookie, value: Self.digest(token), maxAge: 30 * 86_400, path: "/",
                    secure: settings.secureCookie,
                    httpOnly: true, sameSite: .strict))
            return response
        }
        return denied(
            "Open this page once as /?token=TOKEN with a token from api.tokens or dashboard.token (the browser "
                + "then keeps a cookie), send Authorization: Bearer TOKEN, or ask whoever runs Trainyard to put it "
                + "behind your SSO proxy with dashboard.access: open.", page)
    }

    func denied(_ message: String, _ page: (String) -> String) -> Response {
        var headers = DashboardEndpoint.htmlHeaders
        headers[.wwwAuthenticate] = "Bearer"
        return Response(
            status: .unauthorized, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page(message))))
    }
}

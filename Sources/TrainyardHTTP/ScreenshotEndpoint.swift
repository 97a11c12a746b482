import Foundation
import HTTPTypes
import Hummingbird

/// `GET /review-apps/files/{file}?expires=&signature=`: a review app's screenshot or difference
/// image, for whoever holds a link Trainyard signed (the note on the merge request has them).
struct ScreenshotEndpoint {
    let links: ScreenshotLinks?

    func serve(_ request: Request, context: BasicRequestContext) throws -> Response {
        guard let links else {
            throw APIError(.notFound, "screenshots_off", "This Trainyard keeps no review app screenshots.")
        }
        let raw = context.parameters.get("file") ?? ""
        let relative = raw.removingPercentEncoding ?? raw
        let query = request.uri.queryParameters
        let expires = query.get("expires").map { String($0) }
        let signature = query.get("signature").map { String($0) }
        switch links.file(relative, expires: expires, signature: signature) {
        case .failure(.unsigned):
            throw APIError(
                .unauthorized, "unsigned_link",
                "Screenshot links carry `expires` and `signature`; open the link from the merge request's note.")
        case .failure(.badSignature):
            throw APIError(
                .forbidden, "bad_signature", "The link's signature is not Trainyard's; open the link from the note.")
        case .failure(.expired):
            throw APIError(
                .gone, "link_expired",
                "The link has expired; the note on the merge request has a fresh one after the next deploy.")
        case .success(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw APIError(.notFound, "no_such_file", "The screenshot is no longer kept.")
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: path.hasSuffix(".png") ? "image/png" : "application/octet-stream",
                    .cacheControl: "private, max-age=300",
                ], body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
        }
    }
}

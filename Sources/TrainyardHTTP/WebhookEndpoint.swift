import Foundation
import HTTPTypes
import Hummingbird
import TrainyardEngine

/// `POST /webhooks/<forge>`: verify, cap, decode, store, answer. The body is read only after the
/// credentials in the headers checked out, and parsed only after it was read within the cap.
struct WebhookEndpoint: Sendable {
    let services: HTTPServices

    func receive(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let forge = context.parameters.get("forge") ?? ""
        guard let verifier = services.verifiers[forge] else {
            let known = services.verifiers.keys.sorted().map { "/webhooks/\($0)" }.joined(separator: ", ")
            throw APIError(
                .notFound, "unknown_forge",
                "No forge named `\(forge)` is configured; webhooks are received at \(known.isEmpty ? "no path" : known)."
            )
        }
        let header: (String) -> String? = { name in
            HTTPField.Name(name).flatMap { request.headers[$0] }
        }
        do {
            try verifier.authenticate(header: header)
        } catch {
            context.logger.notice("webhook refused", metadata: ["forge": "\(forge)", "code": "\(error.code)"])
            throw APIError(.init(code: error.status), error.code, error.message)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: verifier.maxBodyBytes)
        } catch {
            throw APIError(
                .contentTooLarge, "body_too_large",
                "The delivery is larger than \(verifier.maxBodyBytes) bytes; Trainyard does not accept it.")
        }
        let delivery: Delivery
        do {
            delivery = try verifier.decode(header: header, body: Data(buffer: buffer, byteTransferStrategy: .noCopy))
        } catch {
            throw APIError(.init(code: error.status), error.code, error.message)
        }
        switch try await services.engine.accept(delivery) {
        case .stored(let id):
            return JSONBody.response(.accepted, ["status": "accepted", "delivery": id])
        case .duplicate:
            return JSONBody.response(.ok, ["status": "duplicate", "message": "This delivery was received before."])
        }
    }
}

import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Watches the requests of one connection, after HTTP decoding:
///
/// - a request whose headers take longer than `headerSeconds` from its first byte gets a 408
///   and the connection is closed; one whose body takes longer than `bodySeconds` is closed;
/// - a response sent before its request's body was read (a refusal such as 401 or 413) says
///   `Connection: close` and the connection is closed after it, instead of reading the rest of
///   a body nobody wants;
/// - headers that cannot be parsed (malformed, too large, too many) get the JSON 400 every
///   other refusal has, and a log line.
final class RequestGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    enum Phase {
        /// Between requests: nothing of the next one has arrived.
        case waiting
        /// Bytes of a request arrived; its headers are not complete.
        case head
        /// The headers arrived; the body has not ended.
        case body
        /// The request was read; the response is being written.
        case responding
    }

    let limits: ConnectionLimits
    let logger: Logger
    private(set) var phase = Phase.waiting
    private var requestEnded = true
    private var closeAfterResponse = false
    private var deadline: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(limits: ConnectionLimits, logger: Logger) {
        self.limits = limits
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        context.fireChannelInactive()
    }

    /// Told by ``ConnectionGate`` that bytes arrived: the first bytes of a request start its
    /// header deadline.
    func bytesArrived() {
        guard phase == .waiting, let context else { return }
        phase = .head
        schedule(seconds: limits.headerSeconds, on: context) { guardian, context in
            guardian.logger.notice(
                "closed a connection: request headers incomplete",
                metadata: [
                    "remote": "\(context.remoteAddress?.description ?? "?")",
                    "limit_s": "\(guardian.limits.headerSeconds)",
                ])
            guardian.refuse(
                .requestTimeout, code: "headers_too_slow",
                message:
                    "The request's headers did not arrive within \(guardian.limits.headerSeconds) s; send them at once.",
                on: context)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            phase = .body
            requestEnded = false
            closeAfterResponse = false
            schedule(seconds: limits.bodySeconds, on: context) { guardian, context in
                guardian.logger.notice(
                    "closed a connection: request body incomplete",
                    metadata: [
                        "remote": "\(context.remoteAddress?.description ?? "?")",
                        "limit_s": "\(guardian.limits.bodySeconds)",
                    ])
                context.close(promise: nil)
            }
        case .body:
            break
        case .end:
            deadline?.cancel()
            requestEnded = true
            phase = .responding
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response):
            if !requestEnded {
                closeAfterResponse = true
                response.headerFields[.connection] = "close"
                context.write(wrapOutboundOut(.head(response)), promise: promise)
                return
            }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            if closeAfterResponse {
                deadline?.cancel()
                context.writeAndFlush(data).whenComplete { [channel = context.channel] _ in channel.close(promise: nil)
                }
                promise?.succeed()
                return
            }
            if requestEnded, phase == .responding { phase = .waiting }
            context.write(data, promise: promise)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let unreadable = error is HTTPParserError || error is HTTP1TypeConversionError
        guard unreadable else { return context.fireErrorCaught(error) }
        logger.notice(
            "refused a request whose headers could not be read",
            metadata: ["remote": "\(context.remoteAddress?.description ?? "?")", "error": "\(error)"])
        // Mid-request, the application is answering: it closes the connection on the error.
        guard phase == .waiting || phase == .head else { return context.fireErrorCaught(error) }
        let message: String
        switch error as? HTTPParserError {
        case .headerOverflow?:
            message =
                "The request's headers are larger than \(limits.maxHeaderBytes) bytes (\(limits.maxHeaderFieldBytes) for "
                + "one field); send smaller headers."
        default:
            message = "The request's headers could not be read (\(error)); send a well-formed HTTP/1.1 request."
        }
        refuse(.badRequest, code: "bad_request", message: message, on: context)
    }

    /// Answers with a JSON error and closes the connection.
    private func refuse(_ status: HTTPResponse.Status, code: String, message: String, on context: ChannelHandlerContext)
    {
        deadline?.cancel()
        phase = .responding
        let body = ByteBuffer(bytes: APIError.body(code: code, message: message))
        var head = HTTPResponse(status: status)
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        head.headerFields[.contentLength] = "\(body.readableBytes)"
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }

    private func schedule(
        seconds: Int, on context: ChannelHandlerContext,
        _ expired: @escaping (RequestGuard, ChannelHandlerContext) -> Void
    ) {
        deadline?.cancel()
        let loopBound = NIOLoopBound((self, context, expired), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: .seconds(Int64(seconds))) {
            let (guardian, context, expired) = loopBound.value
            expired(guardian, context)
        }
    }
}

import Logging
import NIOCore

/// The first handler of every connection, before HTTP decoding. It counts the connection
/// against ``ConnectionLimits/maxConnections`` (one over the cap is answered 503 and closed),
/// and tells the ``RequestGuard`` when bytes arrive, so that a request's header deadline starts
/// with its first byte.
final class ConnectionGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let requests: RequestGuard
    let admitted: Bool
    let limit: Int
    let logger: Logger

    init(requests: RequestGuard, admitted: Bool, limit: Int, logger: Logger) {
        self.requests = requests
        self.admitted = admitted
        self.limit = limit
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive, !admitted { refuse(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if !admitted { return refuse(context) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard admitted else { return }
        requests.bytesArrived()
        context.fireChannelRead(data)
    }

    /// Answers 503 without reading the request, and closes.
    private func refuse(_ context: ChannelHandlerContext) {
        logger.warning(
            "refused a connection: too many open", metadata: ["limit": "\(limit)"])
        let body = APIError.body(
            code: "too_many_connections",
            message: "Trainyard has \(limit) connections open, its limit; try again shortly.")
        var buffer = ByteBuffer(
            string: "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json; charset=utf-8\r\n"
                + "content-length: \(body.count)\r\nretry-after: 1\r\nconnection: close\r\n\r\n")
        buffer.writeBytes(body)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }
}

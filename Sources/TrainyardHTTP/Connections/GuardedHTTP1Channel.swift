import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 channel with Trainyard's ``ConnectionLimits``: a connection cap,
/// idle, header and body deadlines, connections closed after a refusal, and JSON errors with a
/// log line for headers that cannot be read. The pipeline is Hummingbird's own (see
/// `HTTP1Channel`) with a ``ConnectionGate`` in front and a ``RequestGuard`` after decoding.
public struct GuardedHTTP1Channel: HTTPChannelHandler {
    public typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    public let responder: HTTPChannelHandler.Responder
    let limits: ConnectionLimits
    let connections: ConnectionCount

    public init(
        responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits, connections: ConnectionCount
    ) {
        self.responder = responder
        self.limits = limits
        self.connections = connections
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admitted = connections.admit(limit: limits.maxConnections)
        if admitted {
            let connections = self.connections
            channel.closeFuture.whenComplete { _ in connections.leave() }
        }
        return channel.eventLoop.makeCompletedFuture {
            var decoderLimits = NIOHTTPDecoderLimitConfiguration()
            decoderLimits.maxHeaderFieldSize = limits.maxHeaderFieldBytes
            decoderLimits.maxHeaderListSize = limits.maxHeaderBytes
            decoderLimits.maxHeaderFieldCount = 200
            let requests = RequestGuard(limits: limits, logger: logger)
            let operations = channel.pipeline.syncOperations
            try operations.addHandler(
                ConnectionGate(requests: requests, admitted: admitted, limit: limits.maxConnections, logger: logger))
            try operations.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
            try operations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try operations.addHandler(requests)
            try operations.addHandler(
                HTTPConnectionStateHandler(idleTimeout: .seconds(Int64(limits.idleSeconds)), logger: logger))
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with Trainyard's connection limits.
    public static func guardedHTTP1(limits: ConnectionLimits, connections: ConnectionCount = ConnectionCount())
        -> HTTPServerBuilder
    {
        .init { responder in GuardedHTTP1Channel(responder: responder, limits: limits, connections: connections) }
    }
}

package io.multistudio.transport;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.observability.ServerMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.quarkus.websockets.next.WebSocketConnection;

/** Makes each connection's {@link Inbound}; the node's meters of them. */
@Singleton
public class Inbounds {

    private final LocalConnections connections;
    private final Counter pauses;
    private final boolean heartbeat;

    Inbounds(LocalConnections connections, ServerMetrics metrics, MeterRegistry registry, MultiStudioConfig config) {
        this.connections = connections;
        this.heartbeat = !config.heartbeatInterval().isZero();
        metrics.gauge("multistudio.inbound.unhandled", "Messages received from clients and not yet handled",
                this::unhandled);
        this.pauses = Counter.builder("multistudio.inbound.paused")
                .description("Times a connection's socket stopped being read until its messages were handled")
                .register(registry);
    }

    /** Puts the connection's inbound checks in its pipeline, just before Vert.x. */
    public Inbound open(WebSocketConnection connection) {
        ChannelHandlerContext vertx = WebSocketWire.vertxSocket(connection).channelHandlerContext();
        Inbound inbound = new Inbound(vertx.channel(), pauses::increment);
        // Vert.x decodes text frames leniently (invalid bytes become U+FFFD); RFC 6455 requires failing the connection
        // with 1007, which Netty's validator does, across fragments too. Frames it fails are never counted.
        ChannelPipeline pipeline = vertx.pipeline();
        pipeline.addBefore(vertx.name(), null, new Utf8FrameValidator(true));
        pipeline.addBefore(vertx.name(), null, inbound);
        // The HTTP idle timeout (quarkus.http.idle-timeout) keeps a handler and a timer task per connection. With the
        // Heartbeat on it never fires on a WebSocket (each ping is a write), and the Heartbeat drops a silent client.
        // With the heartbeat off it stays and closes a connection nothing was read from or written to for that long;
        // WebSocketWire then writes each batch where this handler sees it, as one write.
        IdleStateHandler idle = pipeline.get(IdleStateHandler.class);
        if (heartbeat && idle != null) {
            pipeline.remove(idle);
        }
        return inbound;
    }

    /** Messages received by the open connections of the node and not yet handled (a sum: for meters and tests). */
    public long unhandled() {
        return connections.all().stream().mapToLong(connection -> connection.inbound().unhandled()).sum();
    }
}

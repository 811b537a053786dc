package io.multistudio.transport;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.Executor;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.http.impl.WebSocketInternal;

/**
 * A websockets-next connection written to through the Netty channel under its Vert.x socket. Vert.x's own
 * {@code writeTextMessage} (which {@code sendText} ends in) encodes the text again and flushes every frame; here a
 * batch of frames already encoded ({@link Outbound#frame}) goes out as one buffer ({@link TextFrames#batch}), with
 * one write and one promise, and is flushed once: below the frame encoder, or, where the HTTP idle handler sits
 * above it (heartbeat off), from Vert.x's handler, so that the idle handler sees the batch as one write. Where an
 * extension must see each frame, the batch goes down the whole pipeline frame by frame, still flushed once.
 */
final class WebSocketWire implements Wire {

    private static final Logger LOG = Logger.getLogger(WebSocketWire.class);
    /** Looked up once, from the first connection (see {@link #vertxSocket}). */
    private static volatile Method vertxSocket;
    private static volatile Field wrappedSocket;

    private final WebSocketConnection connection;
    /** Vert.x's handler, where frames enter the pipeline. */
    private final ChannelHandlerContext channel;
    /**
     * Where batches encoded here enter it; {@code null} where each frame must pass the pipeline. Found at the first
     * write: this wire is made before the connection's inbound handlers are put in, and the HTTP idle handler taken
     * out under the heartbeat ({@link Inbounds#open}).
     */
    private ChannelHandlerContext batchEntry;
    private boolean settled;

    WebSocketWire(WebSocketConnection connection) {
        this.connection = connection;
        this.channel = vertxSocket(connection).channelHandlerContext();
    }

    @Override
    public Executor loop() {
        return channel.executor();
    }

    @Override
    public void write(ByteBuf[] texts, int count, Runnable written) {
        if (!channel.channel().isActive()) {
            for (int i = 0; i < count; i++) {
                texts[i].release();
            }
            written.run();
            return;
        }
        if (!settled) {
            settled = true;
            batchEntry = batchEntry(channel);
        }
        if (batchEntry != null) {
            ChannelPromise promise = batchEntry.newPromise().addListener(done -> written.run());
            batchEntry.write(TextFrames.batch(batchEntry.alloc(), texts, count), promise);
            batchEntry.flush();
            return;
        }
        int last = count - 1;
        for (int i = 0; i < last; i++) {
            // Frames complete in order: the last one's promise speaks for the whole batch.
            channel.write(frame(texts[i]), channel.voidPromise());
        }
        channel.write(frame(texts[last])).addListener(done -> written.run());
        channel.flush();
    }

    /** A frame object over its own view of the payload: the handlers it passes may move a view's indexes. */
    private static TextWebSocketFrame frame(ByteBuf text) {
        return new TextWebSocketFrame(TextFrames.payload(text));
    }

    /**
     * Where a batch, already encoded, enters the pipeline of {@code vertx} (Vert.x's handler): then it goes out in
     * order with the frames Vert.x writes (close, ping, pong), which pass the same handlers below. Just below the frame
     * encoder when no handler between it and Vert.x's takes part in writes. When the only ones there are HTTP idle
     * handlers (the heartbeat off keeps one), from Vert.x's own context: each idle handler then sees the batch as one
     * write, and the encoder, which encodes frame objects only, passes the buffer on. {@code null} where another
     * handler is in between: a WebSocket extension (permessage-deflate) must see each frame.
     */
    static ChannelHandlerContext batchEntry(ChannelHandlerContext vertx) {
        ChannelPipeline pipeline = vertx.pipeline();
        ChannelHandlerContext encoder = null;
        boolean idle = false;
        for (Map.Entry<String, ChannelHandler> entry : pipeline) {
            ChannelHandler handler = entry.getValue();
            if (entry.getKey().equals(vertx.name())) {
                return idle && encoder != null ? vertx : encoder;
            } else if (handler instanceof WebSocketFrameEncoder) {
                encoder = pipeline.context(handler);
                idle = false;
            } else if (handler instanceof IdleStateHandler) {
                idle = true;
            } else if (handler instanceof ChannelOutboundHandler) {
                encoder = null;
            }
        }
        return null;
    }

    @Override
    public void close(CloseReason reason) {
        connection.close(reason).subscribe().with(ignored -> {
        }, failure -> LOG.debugf("Closing %s failed: %s", connection.id(), failure.getMessage()));
    }

    @Override
    public void ping() {
        if (channel.channel().isActive()) {
            channel.writeAndFlush(new PingWebSocketFrame());
        }
    }

    /** Closed below Vert.x's own handler: a close through it would wait for the peer's close frame, for 10 s. */
    @Override
    public void abort() {
        channel.close();
    }

    /**
     * The Vert.x socket under a websockets-next connection, which knows its Netty channel: it is behind a
     * package-private accessor, and Vert.x Web wraps it in one that keeps the original as its {@code delegate}.
     */
    static WebSocketInternal vertxSocket(WebSocketConnection connection) {
        try {
            Object socket = accessor(connection.getClass()).invoke(connection);
            if (!(socket instanceof WebSocketInternal)) {
                socket = wrapped(socket.getClass()).get(socket);
            }
            return (WebSocketInternal) socket;
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("websockets-next or Vert.x no longer keep the socket where expected", e);
        }
    }

    private static Method accessor(Class<?> type) throws NoSuchMethodException {
        Method accessor = vertxSocket;
        if (accessor == null) {
            accessor = type.getDeclaredMethod("webSocket");
            accessor.setAccessible(true);
            vertxSocket = accessor;
        }
        return accessor;
    }

    private static Field wrapped(Class<?> type) throws NoSuchFieldException {
        Field delegate = wrappedSocket;
        if (delegate == null) {
            delegate = type.getDeclaredField("delegate");
            delegate.setAccessible(true);
            wrappedSocket = delegate;
        }
        return delegate;
    }
}

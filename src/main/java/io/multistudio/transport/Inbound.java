package io.multistudio.transport;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * The inbound side of one connection: its socket is read no faster than its messages are handled. websockets-next
 * hands a connection's messages to the endpoint one at a time and queues the rest without bound while one is being
 * handled (a slow store, a busy CPU); here, once more than {@link #PAUSE_ABOVE} messages wait, the socket is no
 * longer read until they are down to {@link #RESUME_AT}, so a fast sender waits in TCP instead of in the heap. What
 * the last read brought in is still decoded and delivered: at most a read buffer's worth (64 KiB) more.
 *
 * <p>It sits in the Netty pipeline just before Vert.x, where it sees each message arrive. It stops reading at the
 * channel, not with Vert.x's {@code pause()}: that would hold back the very messages whose handling must resume it.
 */
public final class Inbound extends ChannelInboundHandlerAdapter {

    /** Unhandled messages past which reading stops. */
    static final int PAUSE_ABOVE = 8;
    /** Unhandled messages at which reading starts again. */
    static final int RESUME_AT = 2;

    private final Channel channel;
    private final Executor loop;
    /** Updated in place, not through an atomic object: an idle connection holds it for its whole life. */
    private static final AtomicIntegerFieldUpdater<Inbound> UNHANDLED = AtomicIntegerFieldUpdater.newUpdater(
            Inbound.class, "unhandled");
    private volatile int unhandled;
    private final Runnable onPause;
    /** Written on the loop only; read by {@link #handled} so that a connection that is read costs no task. */
    private volatile boolean paused;

    /** @param onPause runs each time reading stops (for the node's count of pauses) */
    Inbound(Channel channel, Runnable onPause) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.onPause = onPause;
    }

    /** Messages received and not yet handled. */
    public int unhandled() {
        return unhandled;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (isWholeMessage(message)) {
            if (UNHANDLED.incrementAndGet(this) > PAUSE_ABOVE && !paused) {
                paused = true;
                onPause.run();
                channel.config().setAutoRead(false);
                // Handled meanwhile by callers that had not yet seen the pause: no one else would resume.
                resumeIfCaughtUp();
            }
        }
        context.fireChannelRead(message);
    }

    /** A message this connection received has been handled: its answer is sent or on its way. */
    public void handled() {
        if (UNHANDLED.decrementAndGet(this) <= RESUME_AT && paused) {
            loop.execute(this::resumeIfCaughtUp);
        }
    }

    private void resumeIfCaughtUp() {
        if (paused && unhandled <= RESUME_AT) {
            paused = false;
            channel.config().setAutoRead(true);
        }
    }

    /** A data frame that ends a message: each message reaches the endpoint once, as its last fragment arrives. */
    private static boolean isWholeMessage(Object message) {
        return message instanceof WebSocketFrame frame && frame.isFinalFragment()
                && (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
                        || frame instanceof ContinuationWebSocketFrame);
    }
}

package io.multistudio.transport;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.smallrye.mutiny.Uni;

/**
 * The inbound side of one connection: its messages are handled one at a time, in order ({@link #inOrder}), and its
 * socket is read no faster than they are. Once more than {@link #PAUSE_ABOVE} messages wait (a slow store, a busy
 * CPU), the socket is no longer read until they are down to {@link #RESUME_AT}, so a fast sender waits in TCP instead
 * of in the heap. What the last read brought in is still decoded and delivered: at most a read buffer's worth (64 KiB)
 * more.
 *
 * <p>It sits in the Netty pipeline just before Vert.x, where it sees each message arrive. It stops reading at the
 * channel, not with Vert.x's {@code pause()}: that would hold back the very messages whose handling must resume it.
 */
public final class Inbound extends ChannelInboundHandlerAdapter {

    /** Unhandled messages past which reading stops. */
    static final int PAUSE_ABOVE = 8;
    /** Unhandled messages at which reading starts again. */
    static final int RESUME_AT = 2;

    private static final Logger LOG = Logger.getLogger(Inbound.class);

    private final Channel channel;
    /** Updated in place, not through an atomic object: an idle connection holds it for its whole life. */
    private static final AtomicIntegerFieldUpdater<Inbound> UNHANDLED = AtomicIntegerFieldUpdater.newUpdater(
            Inbound.class, "unhandled");
    private volatile int unhandled;
    private final Runnable onPause;
    /** Written on the loop only; read by {@link #handled} so that a connection that is read costs no task. */
    private volatile boolean paused;
    /*
     * The order of handling, all on the connection's event loop: what waits behind the step being handled (made when a
     * step has to wait, dropped once none does), whether one is being handled, and whether it is being started: a step
     * that finishes as it starts is carried on from by the loop in drain(), one that finishes later (on the store
     * client's thread) hands the next back to the event loop.
     */
    private ArrayDeque<Supplier<Uni<Void>>> waiting;
    private boolean busy;
    private boolean starting;
    private boolean finishedAtStart;

    /** @param onPause runs each time reading stops (for the node's count of pauses) */
    Inbound(Channel channel, Runnable onPause) {
        this.channel = channel;
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
            channel.eventLoop().execute(this::resumeIfCaughtUp);
        }
    }

    /**
     * Runs {@code step} once every step given before it has finished, its {@code Uni} included. The endpoint takes each
     * message as it arrives (websockets-next's serial mode would keep a queue and counters per connection for its whole
     * life); the order of a client's requests, and a close after them, is kept here. Called on the connection's event
     * loop. A step that waited runs on that loop outside the endpoint's context, as the continuations of a store call
     * already run on the store client's threads: handling needs neither.
     */
    public void inOrder(Supplier<Uni<Void>> step) {
        if (busy) {
            if (waiting == null) {
                waiting = new ArrayDeque<>(PAUSE_ABOVE);
            }
            waiting.add(step);
            return;
        }
        busy = true;
        drain(step);
    }

    /** Starts steps until one does not finish as it starts, or none is left. */
    private void drain(Supplier<Uni<Void>> first) {
        for (Supplier<Uni<Void>> step = first; step != null; step = next()) {
            starting = true;
            finishedAtStart = false;
            start(step);
            starting = false;
            if (!finishedAtStart) {
                return;
            }
        }
        busy = false;
    }

    /** The step that waited longest; {@code null}, with the queue let go, if none. */
    private Supplier<Uni<Void>> next() {
        Supplier<Uni<Void>> step = waiting == null ? null : waiting.poll();
        if (step == null) {
            waiting = null;
        }
        return step;
    }

    private void start(Supplier<Uni<Void>> step) {
        Uni<Void> handling;
        try {
            handling = step.get();
        } catch (RuntimeException failure) {
            handling = Uni.createFrom().failure(failure);
        }
        handling.subscribe().with(ignored -> finished(), failure -> {
            LOG.debugf(failure, "Handling a message of connection %s failed", channel.id());
            finished();
        });
    }

    private void finished() {
        if (starting && channel.eventLoop().inEventLoop()) {
            finishedAtStart = true;
        } else {
            channel.eventLoop().execute(() -> drain(next()));
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

package io.multistudio.transport;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;

/**
 * The outbound side of one connection: a Mutiny stream that hands frames to the socket in order. Producers never
 * wait on it. What it holds unsent is bounded: a client that does not read
 * fast enough is cut off with 1013 (its session stays resumable) instead of growing the server's memory.
 */
final class Outbound {

    private static final Logger LOG = Logger.getLogger(Outbound.class);
    static final CloseReason SLOW_CONSUMER = new CloseReason(1013, "slow consumer");

    private final WebSocketConnection socket;
    /**
     * A linked queue costs nothing while empty, which an idle connection's queue nearly always is; the default
     * array-backed one takes about a kilobyte per connection up front.
     */
    private final UnicastProcessor<Frame> frames = UnicastProcessor.create(new ConcurrentLinkedQueue<>(), null);
    private final AtomicLong queued = new AtomicLong();
    private final long limit;
    private final Runnable frameSent;
    private volatile Runnable cutOff = () -> {
    };
    private boolean closing;

    Outbound(WebSocketConnection socket, long limit, Runnable frameSent) {
        this.socket = socket;
        this.limit = limit;
        this.frameSent = frameSent;
        frames.subscribe().with(this::write,
                failure -> LOG.debugf("Outbound stream of %s ended: %s", socket.id(), failure));
    }

    /**
     * What to do when the connection is cut off as a slow consumer: its close frame waits behind everything the
     * client has not read, possibly for ever, so the connection must count as lost at once, not when TCP gives up.
     */
    void onCutOff(Runnable action) {
        this.cutOff = action;
    }

    /** Queues {@code text}; dropped if the connection is closing. */
    synchronized void send(String text) {
        if (closing) {
            return;
        }
        if (queued.addAndGet(text.length()) > limit) {
            closing = true;
            frames.onComplete();
            socket.close(SLOW_CONSUMER).subscribe().with(ignored -> {
            }, failure -> LOG.debugf("Closing slow consumer %s failed: %s", socket.id(), failure));
            cutOff.run();
            return;
        }
        frames.onNext(new Frame(text, null));
    }

    /** Queues {@code text} as the connection's last frame, then closes it with {@code reason}. */
    synchronized void sendAndClose(String text, CloseReason reason) {
        if (closing) {
            return;
        }
        closing = true;
        frames.onNext(new Frame(text, reason));
        frames.onComplete();
    }

    /** Closes the connection with {@code reason} after the frames already queued. */
    synchronized void close(CloseReason reason) {
        if (closing) {
            return;
        }
        closing = true;
        frames.onNext(new Frame(null, reason));
        frames.onComplete();
    }

    /** Stops the stream once the connection is gone. */
    synchronized void closed() {
        if (!closing) {
            closing = true;
            frames.onComplete();
        }
    }

    /**
     * Hands the frame to the socket without waiting for the previous one to be flushed, so a reader that keeps up
     * drains a burst at the network's pace; the frame counts as unsent until the socket reports it written.
     */
    private void write(Frame frame) {
        Uni<Void> written;
        if (frame.text() == null) {
            written = socket.close(frame.closeAfter());
        } else {
            int length = frame.text().length();
            frameSent.run();
            written = socket.sendText(frame.text()).onTermination().invoke(() -> queued.addAndGet(-length));
            if (frame.closeAfter() != null) {
                written = written.onTermination().call(() -> socket.close(frame.closeAfter()));
            }
        }
        written.subscribe().with(ignored -> {
        }, failure -> LOG.debugf("Writing to %s failed: %s", socket.id(), failure.getMessage()));
    }

    /** A text to send, a close after it, or (without text) just the close. */
    private record Frame(String text, CloseReason closeAfter) {
    }
}

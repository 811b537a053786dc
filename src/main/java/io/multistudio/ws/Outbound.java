package io.multistudio.ws;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;

/**
 * The outbound side of one connection: a Mutiny stream that writes one frame at a time, each after the previous one
 * was handed to the socket. Producers never wait on it. What it holds unsent is bounded: a client that does not read
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
    private boolean closing;

    Outbound(WebSocketConnection socket, long limit, Runnable frameSent) {
        this.socket = socket;
        this.limit = limit;
        this.frameSent = frameSent;
        frames.onItem().call(this::write)
                .subscribe().with(ignored -> {
                }, failure -> LOG.debugf("Outbound stream of %s ended: %s", socket.id(), failure));
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

    private Uni<Void> write(Frame frame) {
        if (frame.text() == null) {
            return socket.close(frame.closeAfter());
        }
        queued.addAndGet(-frame.text().length());
        frameSent.run();
        Uni<Void> sent = socket.sendText(frame.text());
        return frame.closeAfter() == null ? sent : sent.onTermination().call(() -> socket.close(frame.closeAfter()));
    }

    /** A text to send, a close after it, or (without text) just the close. */
    private record Frame(String text, CloseReason closeAfter) {
    }
}

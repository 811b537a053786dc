package io.multistudio.transport;

import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.IntConsumer;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.EmptyByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.quarkus.websockets.next.CloseReason;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import io.vertx.core.buffer.impl.VertxByteBufAllocator;

/**
 * The outbound side of one connection: a Mutiny stream of batches of frames, written on the connection's own event
 * loop and flushed once per batch. Producers on any thread only queue an encoded frame; the first one queued after a
 * batch hands the connection to its loop ({@link OutboundLoop}), which takes everything queued by then as the next
 * batch. What the connection holds unsent (queued, or written and not yet taken by the socket) is bounded in bytes,
 * here and on the node ({@link OutboundBudget}): a client that does not read fast enough is cut off with 1013 (its
 * session stays resumable) instead of growing the server's memory.
 */
public final class Outbound {

    private static final Logger LOG = Logger.getLogger(Outbound.class);
    static final CloseReason SLOW_CONSUMER = new CloseReason(1013, "slow consumer");
    /** Not a close frame: the last frame's way of asking for the socket to be dropped once what precedes is out. */
    private static final CloseReason DROP = new CloseReason(1011, "dropped");
    /** Queued after the last text: the close ({@link #closeAfter}) follows what precedes it. */
    private static final ByteBuf END = new EmptyByteBuf(UnpooledByteBufAllocator.DEFAULT);

    private enum State {
        OPEN,
        /** The last frame is queued; nothing more is. */
        CLOSING,
        /** Cut off as a slow consumer: what is queued is dropped and the socket closed with 1013. */
        CUT,
        /** Nothing more is written; whatever is queued is dropped. */
        DONE
    }

    private final Wire wire;
    private final OutboundLoop loop;
    private final OutboundBudget budget;
    private final long limit;
    private final IntConsumer framesSent;
    /** Taken on the loop only: a frame dropped because the connection is leaving is dropped there too. */
    private final FrameQueue queued = new FrameQueue();
    // Updated in place, not through an atomic object each: an idle connection holds them for its whole life.
    private static final AtomicLongFieldUpdater<Outbound> UNSENT = AtomicLongFieldUpdater.newUpdater(Outbound.class,
            "unsent");
    private static final AtomicIntegerFieldUpdater<Outbound> SCHEDULED = AtomicIntegerFieldUpdater.newUpdater(
            Outbound.class, "scheduled");
    private static final AtomicReferenceFieldUpdater<Outbound, State> STATE = AtomicReferenceFieldUpdater.newUpdater(
            Outbound.class, State.class, "state");
    private volatile long unsent;
    private volatile int scheduled;
    private volatile State state = State.OPEN;
    /** Set once, by the one close accepted, before {@link #END} is queued: read on the loop after taking it. */
    private volatile CloseReason closeAfter;
    /**
     * Fed on the loop only, one batch per turn, each handed on at once to the writer (which asks for everything): its
     * queue holds a batch only while it passes, so a plain array does, without a node per batch.
     */
    private final UnicastProcessor<Batch> batches = UnicastProcessor.create(new ArrayDeque<>(1), null);
    private volatile Runnable cutOff = () -> {
    };

    Outbound(Wire wire, OutboundLoop loop, OutboundBudget budget, long limit, IntConsumer framesSent) {
        this.wire = wire;
        this.loop = loop;
        this.budget = budget;
        this.limit = limit;
        this.framesSent = framesSent;
        budget.register(this);
        // A plain subscriber: no callback to wrap for context propagation, which would be restored for every batch.
        batches.subscribe().withSubscriber(new BatchWriter());
    }

    /**
     * {@code text} as one WebSocket frame, header and UTF-8 payload ({@link TextFrames#frame}), encoded straight into
     * a direct buffer from the pool Vert.x's sockets write from: no intermediate byte array, no copy on the way out,
     * and no second pool (Netty's default one) whose chunks would stay allocated beside it.
     */
    public static ByteBuf frame(String text) {
        return TextFrames.frame(VertxByteBufAllocator.POOLED_ALLOCATOR, text);
    }

    /**
     * What to do when the connection is cut off as a slow consumer: its close frame waits behind everything the
     * client has not read, possibly for ever, so the connection must count as lost at once, not when TCP gives up.
     */
    void onCutOff(Runnable action) {
        this.cutOff = action;
    }

    /** Queues one frame, taking over a reference to {@code text}; dropped if the connection is closing. */
    void send(ByteBuf text) {
        queue(text, null);
    }

    /** Queues {@code text} as the connection's last frame, then closes it with {@code reason}. */
    void sendAndClose(ByteBuf text, CloseReason reason) {
        queue(text, reason);
    }

    /** Closes the connection with {@code reason} after the frames already queued. */
    void close(CloseReason reason) {
        queue(null, reason);
    }

    /** Drops the connection without a close handshake after the frames already queued. */
    void drop() {
        queue(null, DROP);
    }

    /** Stops writing once the connection is gone; a cut-off still gets its 1013 from the loop. */
    void closed() {
        STATE.getAndUpdate(this, now -> now == State.CUT ? State.CUT : State.DONE);
        // What is queued is dropped on the loop, the queue's only taker.
        schedule();
    }

    long unsent() {
        return unsent;
    }

    /** Sends a WebSocket ping on the connection's loop, unless the connection is closing. */
    void ping() {
        if (state == State.OPEN) {
            wire.loop().execute(wire::ping);
        }
    }

    /** Drops the connection at once, and whatever it still holds: nothing is written to a peer that stopped answering. */
    void abort() {
        closed();
        wire.loop().execute(wire::abort);
    }

    /** Cut off or done: what it still holds is on its way out. */
    boolean leaving() {
        State now = state;
        return now == State.CUT || now == State.DONE;
    }

    /** Cuts the connection off as a slow consumer, unless it is already leaving. */
    void cut() {
        State now = state;
        if ((now == State.OPEN || now == State.CLOSING) && STATE.compareAndSet(this, now, State.CUT)) {
            cutOff.run();
            schedule();
        }
    }

    /** Queues {@code text} (if any), then the close (if any). */
    private void queue(ByteBuf text, CloseReason close) {
        boolean accepted = close == null ? state == State.OPEN : STATE.compareAndSet(this, State.OPEN, State.CLOSING);
        if (!accepted) {
            if (text != null) {
                text.release();
            }
            return;
        }
        if (text != null) {
            int size = text.readableBytes();
            UNSENT.addAndGet(this, size);
            budget.reserve(size);
            queued.offer(text);
        }
        if (close != null) {
            closeAfter = close;
            queued.offer(END);
        }
        // Also when cut or closed meanwhile: the loop drops what is queued then, this frame included.
        schedule();
    }

    private void schedule() {
        if (SCHEDULED.compareAndSet(this, 0, 1)) {
            loop.schedule(this);
        }
    }

    /** On the loop: everything queued by now goes out as one batch (taken into {@code batch}), up to the close. */
    void drain(Batch batch) {
        scheduled = 0;
        State now = state;
        if (now == State.CUT && STATE.compareAndSet(this, State.CUT, State.DONE)) {
            discard();
            wire.close(SLOW_CONSUMER);
            return;
        }
        if (now == State.DONE) {
            discard();
            return;
        }
        ByteBuf text;
        while ((text = queued.poll()) != null) {
            if (text == END) {
                batch.closeAfter(closeAfter);
                break;
            }
            batch.add(text);
        }
        if (!batch.isEmpty()) {
            batches.onNext(batch);
            batch.clear();
        }
    }

    private void discard() {
        ByteBuf text;
        while ((text = queued.poll()) != null) {
            sent(text.readableBytes());
            text.release();
        }
        forgetIfDone();
    }

    /** {@code bytes} are no longer held: written to the socket, or dropped. */
    private void sent(long bytes) {
        UNSENT.addAndGet(this, -bytes);
        budget.release(bytes);
    }

    private void forgetIfDone() {
        if (state == State.DONE && unsent == 0) {
            budget.unregister(this);
        }
    }

    /** Writes each batch and flushes once; the batch's bytes count as unsent until the socket took all of it. */
    private final class BatchWriter implements MultiSubscriber<Batch> {

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onItem(Batch batch) {
            if (batch.count() > 0) {
                long written = batch.bytes();
                framesSent.accept(batch.count());
                wire.write(batch.texts(), batch.count(), () -> {
                    sent(written);
                    forgetIfDone();
                });
                // Measured right after a write, what is still unsent is what the client has not taken; frames that
                // wait for a busy loop are not the client's fault, and the node budget bounds them.
                if (unsent > limit) {
                    cut();
                }
            }
            CloseReason closeAfter = batch.closeAfter();
            if (closeAfter != null) {
                state = State.DONE;
                if (closeAfter == DROP) {
                    wire.abort();
                } else {
                    wire.close(closeAfter);
                }
                discard();
            }
        }

        @Override
        public void onFailure(Throwable failure) {
            LOG.debugf("Outbound stream ended: %s", failure);
        }

        @Override
        public void onCompletion() {
            // The stream is never completed: a connection that is done simply stops feeding it.
        }
    }
}

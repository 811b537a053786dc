package io.multistudio.transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.quarkus.websockets.next.CloseReason;

/**
 * A socket that keeps what it is sent, for tests of what reaches a connection. Its loop runs tasks when the test says
 * so ({@link #runLoop()}), or at once if {@code immediate} (on the caller's thread, and, as on an event loop, a task
 * queued by a running one runs after it); a batch stays unsent until {@link #take()} says the client read it, unless
 * the client is {@link #reading} (or the wire {@code immediate}). Not thread-safe: one test thread drives it.
 */
public final class RecordingWire implements Wire {

    final List<String> frames = new CopyOnWriteArrayList<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final List<CloseReason> closes = new CopyOnWriteArrayList<>();
    final AtomicInteger pings = new AtomicInteger();
    /** The socket below the connection, where its inbound side sees messages arrive. */
    final EmbeddedChannel socket = new EmbeddedChannel();
    volatile boolean aborted;
    private final List<Runnable> tasks = new ArrayList<>();
    private boolean running;
    private final List<Runnable> unread = new ArrayList<>();
    private final boolean immediate;
    /** The client takes every batch as soon as it is written. */
    boolean reading;

    RecordingWire(boolean immediate) {
        this.immediate = immediate;
    }

    /** A wire whose client reads every frame the moment it is written, for tests outside this package. */
    public static RecordingWire immediate() {
        return new RecordingWire(true);
    }

    /** What the client received, in order. */
    public List<String> frames() {
        return frames;
    }

    /** A connection over this wire with no budget to speak of, no rate limit and an inbound side of its own. */
    public Connection connection(String id) {
        Inbound inbound = new Inbound(socket, () -> {
        });
        socket.pipeline().addLast(inbound);
        return new Connection(id, "node", outbound(new OutboundBudget(Long.MAX_VALUE, Runnable::run), 1 << 20),
                inbound, null);
    }

    /** An outbound side over this wire with its own loop, under {@code budget}. */
    Outbound outbound(OutboundBudget budget, long limit) {
        return new Outbound(this, new OutboundLoop(loop()), budget, limit, frames -> {
        });
    }

    @Override
    public Executor loop() {
        return immediate ? this::runNow : tasks::add;
    }

    private void runNow(Runnable task) {
        tasks.add(task);
        if (!running) {
            running = true;
            try {
                while (!tasks.isEmpty()) {
                    tasks.remove(0).run();
                }
            } finally {
                running = false;
            }
        }
    }

    void runLoop() {
        List<Runnable> due = List.copyOf(tasks);
        tasks.clear();
        due.forEach(Runnable::run);
    }

    @Override
    public void write(ByteBuf[] texts, int count, Runnable written) {
        batchSizes.add(count);
        for (int i = 0; i < count; i++) {
            ByteBuf text = texts[i];
            ByteBuf payload = TextFrames.payload(text);
            frames.add(payload.toString(StandardCharsets.UTF_8));
            payload.release();
        }
        if (immediate || reading) {
            written.run();
        } else {
            unread.add(written);
        }
    }

    /** The client reads everything written so far. */
    void take() {
        List<Runnable> read = List.copyOf(unread);
        unread.clear();
        read.forEach(Runnable::run);
    }

    @Override
    public void close(CloseReason reason) {
        closes.add(reason);
    }

    @Override
    public void ping() {
        pings.incrementAndGet();
    }

    @Override
    public void abort() {
        aborted = true;
    }
}

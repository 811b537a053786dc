package io.multistudio.monitor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.multistudio.observability.ServerMetrics;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;

/**
 * This node's traffic for the monitor: the totals are the server's own message counters ({@link ServerMetrics}),
 * and rates come from once-a-second samples of them, averaged over a sliding window.
 */
@Singleton
@Startup
public class NodeStats {

    /** Long enough to smooth bursts, short enough that the monitor follows a change within a few seconds. */
    static final int WINDOW_SECONDS = 5;
    private static final long SAMPLE_PERIOD_MS = 1000;

    private final ServerMetrics metrics;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private final Vertx vertx;
    private final long sampler;
    private volatile IntSupplier connections = () -> 0;
    private volatile IntSupplier rooms = () -> 0;

    @Inject
    NodeStats(Vertx vertx, ServerMetrics metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
        sample(System.nanoTime());
        this.sampler = vertx.setPeriodic(SAMPLE_PERIOD_MS, timer -> sample(System.nanoTime()));
    }

    /** Without a timer: the caller drives {@link #sample} with its own clock. */
    NodeStats(ServerMetrics metrics, long startNanos) {
        this.vertx = null;
        this.metrics = metrics;
        this.sampler = -1;
        sample(startNanos);
    }

    @PreDestroy
    void stop() {
        if (vertx != null) {
            vertx.cancelTimer(sampler);
        }
    }

    /** Where the number of open connections on this node comes from. */
    public void connections(IntSupplier source) {
        this.connections = source;
    }

    /** Where the number of rooms with members on this node comes from. */
    public void rooms(IntSupplier source) {
        this.rooms = source;
    }

    public Stats stats() {
        return stats(System.nanoTime());
    }

    synchronized Stats stats(long nowNanos) {
        long in = (long) metrics.messagesIn();
        long out = (long) metrics.messagesOut();
        Sample oldest = samples.peekFirst();
        double seconds = (nowNanos - oldest.nanos()) / (double) TimeUnit.SECONDS.toNanos(1);
        // Only at the very first instant is there no time span to divide by.
        double inRate = seconds <= 0 ? 0 : (in - oldest.in()) / seconds;
        double outRate = seconds <= 0 ? 0 : (out - oldest.out()) / seconds;
        return new Stats(connections.getAsInt(), rooms.getAsInt(), round(inRate), round(outRate), in, out);
    }

    /** Records the totals at {@code nowNanos} and forgets samples that left the window. */
    synchronized void sample(long nowNanos) {
        samples.addLast(new Sample(nowNanos, (long) metrics.messagesIn(), (long) metrics.messagesOut()));
        long windowStart = nowNanos - TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);
        while (samples.size() > 1 && samples.peekFirst().nanos() < windowStart) {
            samples.removeFirst();
        }
    }

    private static double round(double rate) {
        return Math.round(rate * 100) / 100.0;
    }

    private record Sample(long nanos, long in, long out) {
    }
}

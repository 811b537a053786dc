package io.multistudio.client;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether one connection still hears from the server. The JDK's WebSocket does not always report a connection that
 * the server closed or the network lost until the client writes to it, so an idle client could sit connected for
 * ever: anything received (a frame, the server's heartbeat ping, a pong) proves the connection alive, and one silent
 * for the limit is lost. Past half the limit the client probes with a WebSocket ping, which the server must answer
 * with a pong (RFC 6455 §5.5.2): without it, a client behind a quiet proxy, or on a server whose heartbeat is off,
 * would be cut at every limit while the server is there. The server's own heartbeat comes well within half the
 * default limit, so against our server at its defaults the probe is never sent.
 * <p>
 * Receiving only writes a timestamp, on the JDK's thread. One timer per connection compares it with the clock every
 * quarter of the limit, on a thread all clients of the JVM share: on the client's own thread a pending check would
 * keep that thread from ending while the client is idle, one thread per connected client. Only a probe or a loss is
 * handed to the client's thread.
 */
final class Liveness {

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final long limitNanos;
    private final LongSupplier clock;
    private final Executor loop;
    private final Runnable probe;
    private final Runnable lost;
    private volatile long heard;
    /** When the silence that was last probed started (one probe per silence); read and written by the checks only. */
    private long probed;
    private volatile ScheduledFuture<?> check;

    /**
     * {@code probe} and {@code lost} run on {@code loop}, the client's thread; {@code clock} counts nanoseconds, as
     * {@link System#nanoTime}. A zero {@code limit} turns the check off.
     */
    Liveness(Duration limit, LongSupplier clock, Executor loop, Runnable probe, Runnable lost) {
        this.limitNanos = limit.toNanos();
        this.clock = clock;
        this.loop = loop;
        this.probe = probe;
        this.lost = lost;
        this.heard = clock.getAsLong();
        this.probed = heard - 1;
    }

    /** One daemon thread, ended while no client is connected; a stopped check leaves the queue at once. */
    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "multistudio-client-liveness");
            thread.setDaemon(true);
            return thread;
        });
        timer.setKeepAliveTime(10, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Something arrived; called from any thread. */
    void heard() {
        heard = clock.getAsLong();
    }

    /** Starts the checks, unless the limit is zero. */
    void start() {
        if (limitNanos > 0) {
            heard();
            long period = Math.max(1, limitNanos / 4);
            check = TIMER.scheduleWithFixedDelay(this::check, period, period, TimeUnit.NANOSECONDS);
        }
    }

    void stop() {
        ScheduledFuture<?> started = check;
        if (started != null) {
            started.cancel(false);
        }
    }

    /** One check: a connection silent for the limit is lost, one silent for half of it is probed once. */
    void check() {
        long last = heard;
        long silent = clock.getAsLong() - last;
        if (silent >= limitNanos) {
            stop();
            loop.execute(lost);
        } else if (silent >= limitNanos / 2 && probed != last) {
            probed = last;
            loop.execute(probe);
        }
    }
}

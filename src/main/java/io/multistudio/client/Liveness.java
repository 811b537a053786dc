package io.multistudio.client;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether one connection still hears from the server. The JDK's WebSocket does not always report a connection that
 * the server closed or the network lost until the client writes to it, so an idle client could sit connected for
 * ever: anything received (a frame, the server's heartbeat ping, a pong) proves the connection alive, and one silent
 * for the limit is lost. Past half the limit the client probes with a WebSocket ping, which every server answers with
 * a pong: without it, a client behind a quiet proxy, or on a server whose heartbeat is off, would be cut at every
 * limit while the server is there. The server's own heartbeat comes well within half the default limit, so against
 * our server at its defaults the probe is never sent.
 * <p>
 * One timer per connection, on the client's thread, checks every quarter of the limit; receiving only writes a
 * timestamp, from the JDK's thread.
 */
final class Liveness {

    private final long limitNanos;
    private final LongSupplier clock;
    private final Runnable probe;
    private final Runnable lost;
    private volatile long heard;
    /** When the silence that was last probed started: one probe per silence. */
    private long probed;
    private ScheduledFuture<?> check;

    /** {@code probe} and {@code lost} run on the loop; {@code clock} counts nanoseconds, as {@link System#nanoTime}. */
    Liveness(Duration limit, LongSupplier clock, Runnable probe, Runnable lost) {
        this.limitNanos = limit.toNanos();
        this.clock = clock;
        this.probe = probe;
        this.lost = lost;
        this.heard = clock.getAsLong();
        this.probed = heard - 1;
    }

    /** Something arrived; called from any thread. */
    void heard() {
        heard = clock.getAsLong();
    }

    /** Starts the checks on {@code loop}, unless the limit is zero (the check is off). */
    void start(ScheduledExecutorService loop) {
        if (limitNanos > 0) {
            heard();
            long period = Math.max(1, limitNanos / 4);
            check = loop.scheduleWithFixedDelay(this::check, period, period, TimeUnit.NANOSECONDS);
        }
    }

    void stop() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    /** One check: a connection silent for the limit is lost, one silent for half of it is probed once. */
    void check() {
        long last = heard;
        long silent = clock.getAsLong() - last;
        if (silent >= limitNanos) {
            stop();
            lost.run();
        } else if (silent >= limitNanos / 2 && probed != last) {
            probed = last;
            probe.run();
        }
    }
}

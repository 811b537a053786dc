package io.multistudio.bench;

import java.time.Duration;

/**
 * The cold start: the fan-out load offered to a freshly started server, before its JIT has compiled anything, with
 * no warm-up step. A server that hoards what it cannot send yet fills its heap and never recovers; one that sheds
 * catches up. Measured: the window after the first {@link #SETTLE} at the full rate.
 */
final class ColdStart {

    /** What the server may take to catch up with the load before anything counts. */
    static final Duration SETTLE = Duration.ofSeconds(20);
    static final Duration MEASURE = Duration.ofSeconds(10);
    /** 95,000 deliveries/s: 50 rooms × 20 members × 5 messages/s per member. */
    static final double DELIVERIES_PER_SECOND = 95_000;

    private ColdStart() {
    }

    /** Sets up the rooms on {@code server} (fresh), then offers the full rate at once. */
    static Step run(Generator gen, ServerProcess server, int rooms, int members) {
        try (Fanout fanout = new Fanout(gen, server, rooms, members)) {
            fanout.setUp();
            Step step = fanout.step(DELIVERIES_PER_SECOND / members, SETTLE, MEASURE);
            System.out.println("  " + server.name + " cold start: " + summary(step));
            return step;
        }
    }

    /** Deliveries that arrived in the measured window, as a share of those offered. */
    static double delivered(Step step) {
        return step.deliveredPerSecond() / step.offeredDeliveries();
    }

    static boolean passed(Step step) {
        return delivered(step) >= 0.99 && step.p99() <= Fanout.P99_LIMIT_MS && step.closed() == 0;
    }

    static String summary(Step step) {
        return String.format("%.1f%% delivered after %d s, %s", delivered(step) * 100, SETTLE.toSeconds(),
                step.summary());
    }
}

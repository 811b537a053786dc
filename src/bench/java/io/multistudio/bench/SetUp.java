package io.multistudio.bench;

import org.HdrHistogram.Histogram;

/**
 * The joiners of a fan-out's set-up phase (connect, {@code HELLO}, {@code JOIN_ROOM}): how many, how many at a time,
 * how long they took, and each one's latency.
 */
record SetUp(int joiners, int concurrency, double seconds, Histogram latency) {

    double perSecond() {
        return joiners / seconds;
    }

    double p99() {
        return latency.getValueAtPercentile(99) / 1000.0;
    }

    String summary() {
        return String.format("%,d HELLO + JOIN_ROOM at %d concurrent: %,.0f/s, p99 %.1f ms", joiners, concurrency,
                perSecond(), p99());
    }
}

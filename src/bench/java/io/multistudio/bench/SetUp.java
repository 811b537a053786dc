package io.multistudio.bench;

import org.HdrHistogram.Histogram;

/**
 * The joiners of a fan-out's set-up phase (connect, {@code HELLO}, {@code JOIN_ROOM}): how many, how many at a time,
 * each one's latency, and how long they took with the CPU the servers and the generator used meanwhile, which says
 * whether a slow set-up waited for a busy server, for the generator or for neither, and how much of the servers' CPU
 * their JIT compilers took: on a fresh JVM, the part that is its warm-up.
 */
record SetUp(int joiners, int concurrency, Histogram latency, CpuWindow.Shares cpu) {

    double perSecond() {
        return joiners / cpu.seconds();
    }

    double p99() {
        return latency.getValueAtPercentile(99) / 1000.0;
    }

    String summary() {
        return String.format("%,d HELLO + JOIN_ROOM at %d concurrent: %,.0f/s, p99 %.1f ms, server CPU %.0f%% (its JIT"
                + " compilers %.0f%%), generator CPU %.0f%%", joiners, concurrency, perSecond(), p99(),
                cpu.server() * 100, cpu.compiler() * 100, cpu.generator() * 100);
    }
}

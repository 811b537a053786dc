package io.multistudio.bench;

import org.HdrHistogram.Histogram;

/**
 * One measured step of a fan-out ({@link Fanout}).
 *
 * @param committedPerSecond distinct seqs delivered per second (counted by a direct fan-out only, else 0)
 * @param backlog deliveries still missing after the drain wait, of the sends the server did not refuse
 * @param dropped sends the generator could not make in time (it fell behind)
 * @param refused sends the server answered with an error (none of their deliveries is owed), in the window
 * @param compilerCpu share of a core the servers' JIT compilers took in the window (part of {@code serverCpu})
 * @param serverWait share of the window the server's threads waited for a CPU (summed over threads)
 */
record Step(double offeredSends, double offeredDeliveries, double sentPerSecond, double deliveredPerSecond,
        double committedPerSecond, Histogram latency, double serverCpu, double compilerCpu, double generatorCpu,
        double serverWait,
        double generatorWait, int closed, long backlog, long dropped, long refused) {

    /** The same window, with what was still closed and missing once the load stopped and drained. */
    Step settled(int closedAfter, long backlogAfter) {
        return new Step(offeredSends, offeredDeliveries, sentPerSecond, deliveredPerSecond, committedPerSecond,
                latency, serverCpu, compilerCpu, generatorCpu, serverWait, generatorWait, closedAfter, backlogAfter,
                dropped,
                refused);
    }

    double p50() {
        return latency.getValueAtPercentile(50) / 1000.0;
    }

    double p99() {
        return latency.getValueAtPercentile(99) / 1000.0;
    }

    double max() {
        return latency.getMaxValue() / 1000.0;
    }

    boolean generatorKeptUp() {
        return sentPerSecond >= 0.95 * offeredSends;
    }

    boolean passed() {
        return latency.getTotalCount() > 0 && p99() <= Fanout.P99_LIMIT_MS
                && deliveredPerSecond >= 0.95 * offeredDeliveries && closed == 0 && refused == 0 && generatorKeptUp();
    }

    /** Server CPU seconds per million deliveries. */
    double cpuPerMillion() {
        return deliveredPerSecond <= 0 ? Double.NaN : serverCpu / deliveredPerSecond * 1e6;
    }

    String summary() {
        return String.format("offered %,.0f deliveries/s: delivered %,.0f/s%s, p50 %.2f ms, p99 %.2f ms, max %.1f ms,"
                        + " server CPU %.0f%% (its JIT compilers %.0f%%; waited for CPU %.0f%%), generator CPU %.0f%%"
                        + " (waited %.0f%%), closed %d, refused %d, backlog %d -> %s",
                offeredDeliveries, deliveredPerSecond,
                committedPerSecond > 0 ? String.format(" (%,.0f events committed/s)", committedPerSecond) : "", p50(),
                p99(), max(), serverCpu * 100, compilerCpu * 100, serverWait * 100, generatorCpu * 100, generatorWait * 100, closed, refused, backlog, passed() ? "pass" : "FAIL");
    }
}
